#ifndef CALLCENTERD_CSYSTEMD_SHIM_H
#define CALLCENTERD_CSYSTEMD_SHIM_H

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/socket.h>

/// Same layout as glibc's `struct ucred` (invisible to Swift without _GNU_SOURCE):
/// the peer's credentials of a Unix socket, read with SO_PEERCRED.
typedef struct {
    pid_t pid;
    uid_t uid;
    gid_t gid;
} callcenterd_ucred;

static inline int callcenterd_so_peercred(void) { return SO_PEERCRED; }

/// The first file descriptor passed by socket activation (SD_LISTEN_FDS_START).
static inline int callcenterd_listen_fds_start(void) { return SD_LISTEN_FDS_START; }

/// Keeps memory the process freed instead of trimming it back to the kernel at
/// once (glibc trims a thread's heap when 128 KiB are free at its top, and the
/// next allocation faults the pages in again). `mallopt` lives in <malloc.h>,
/// which Swift's Glibc module does not import.
#include <malloc.h>
static inline void callcenterd_keep_freed_memory(int trim_bytes, int mmap_bytes) {
    mallopt(M_TRIM_THRESHOLD, trim_bytes);
    mallopt(M_MMAP_THRESHOLD, mmap_bytes);
}

#endif
