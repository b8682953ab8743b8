/* The floor of a request through a Unix socket on this machine: one process
   echoes 100-byte messages, another times 20,000 round trips, one at a time.
   No framing, no JSON, no threads to hop between: what is left is the kernel
   and the scheduler. Used by `.ci/bench floor` (docs/benchmarks.md).
     cc -O2 -o echo-rtt .ci/echo-rtt.c
     ./echo-rtt server PATH &  ./echo-rtt client PATH                        */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "server") && strcmp(argv[1], "client"))) {
        fprintf(stderr, "usage: echo-rtt server|client SOCKET_PATH\n");
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[2]) >= sizeof addr.sun_path) { fprintf(stderr, "socket path too long\n"); return 2; }
    strcpy(addr.sun_path, argv[2]);
    char buf[256];
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (!strcmp(argv[1], "server")) {
        unlink(argv[2]);
        if (bind(fd, (void *)&addr, sizeof addr) || listen(fd, 1)) { perror("bind"); return 1; }
        int c = accept(fd, 0, 0);
        for (ssize_t n; (n = read(c, buf, sizeof buf)) > 0;)
            if (write(c, buf, n) != n) return 1;
        return 0;
    }
    for (int i = 0; connect(fd, (void *)&addr, sizeof addr); i++) {
        if (i == 1000) { perror("connect"); return 1; }
        usleep(1000);
    }
    enum { N = 20000, SIZE = 100 };
    static long long rtt[N];
    memset(buf, 'x', SIZE);
    for (int i = 0; i < N; i++) {
        long long t = now_ns();
        if (write(fd, buf, SIZE) != SIZE) return 1;
        for (int got = 0; got < SIZE;) {
            ssize_t n = read(fd, buf, SIZE - got);
            if (n <= 0) return 1;
            got += n;
        }
        rtt[i] = now_ns() - t;
    }
    qsort(rtt, N, sizeof rtt[0], by_value);
    printf("raw Unix-socket echo, %d round trips: p50 %lld µs  p90 %lld µs  p99 %lld µs  p99.9 %lld µs  max %lld µs\n", N,
           rtt[N / 2] / 1000, rtt[N * 9 / 10] / 1000, rtt[N * 99 / 100] / 1000, rtt[N * 999 / 1000] / 1000, rtt[N - 1] / 1000);
    return 0;
}
