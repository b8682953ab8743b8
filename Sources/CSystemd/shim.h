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

#endif
