// SPDX-License-Identifier: MIT
// The seccomp filter, written as classic BPF with the kernel's headers (no libseccomp): check the
// architecture, then allow a fixed list of system calls; every other call fails with EPERM, which
// the server's ordinary error paths report ("accept: Operation not permitted").
#include "sandbox.hpp"
#include "i18n.hpp"

#include <cerrno>
#include <cstring>

#if defined(__linux__)
#include <cstddef>
#include <vector>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#endif

#if defined(__linux__) && defined(__x86_64__) && !defined(__ILP32__)
#define ECHO_SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__linux__) && defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ECHO_SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ECHO_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define ECHO_SANITIZED 1
#endif
#endif

namespace echo {

#if defined(ECHO_SECCOMP_ARCH)

namespace {

// The calls serving needs once setup is done; docs/SERVICE.md says why each one is here.
constexpr long allowed_calls[] = {
    // Moving bytes: the echo loops, the splice(2) path and its pipe, datagram batches.
    SYS_read,
    SYS_write,
    SYS_readv,
    SYS_writev,
    SYS_recvfrom,
    SYS_sendto,
    SYS_recvmsg,
    SYS_sendmsg,
    SYS_recvmmsg,
    SYS_sendmmsg,
    SYS_splice,
    SYS_pipe2,
    // Peers: taking them, looking at them, ending them.
    SYS_accept4,
    SYS_getsockname,
    SYS_getpeername,
    SYS_getsockopt,
    SYS_setsockopt,
    SYS_shutdown,
    SYS_close,
    SYS_fcntl,
    SYS_fstat,
    SYS_newfstatat,
    // --unix: the socket file removed at the end.
    SYS_unlinkat,
    // getifaddrs(3)'s netlink query (the socket itself is checked below).
    SYS_bind,
    // Waiting: the poll(2) loops and the epoll event loop.
    SYS_ppoll,
    SYS_epoll_create1,
    SYS_epoll_ctl,
    SYS_epoll_pwait,
    // Time, for -v's timestamps, --idle-timeout and pacing the stderr writer.
    SYS_clock_gettime,
    SYS_clock_nanosleep,
    SYS_nanosleep,
    SYS_gettimeofday,
    // Memory, for the allocator.
    SYS_brk,
    SYS_mmap,
    SYS_munmap,
    SYS_mremap,
    SYS_mprotect,
    SYS_madvise,
    // Threads (UDP beside TCP when both are passed): clone(2) only with CLONE_THREAD, below.
    SYS_futex,
    SYS_set_robust_list,
    SYS_rseq,
    SYS_sched_yield,
    SYS_gettid,
    SYS_getpid,
    // Signals: the stop handler's return, masks, and raise(SIGTERM) to stop the UDP thread.
    SYS_rt_sigreturn,
    SYS_rt_sigprocmask,
    SYS_rt_sigaction, // glibc's first pthread_create(3) installs its internal handlers
    SYS_tgkill,
    SYS_restart_syscall,
    // Leaving.
    SYS_exit,
    SYS_exit_group,
#if defined(__x86_64__)
    // The older forms that x86-64's glibc still calls.
    SYS_accept,
    SYS_poll,
    SYS_epoll_wait,
    SYS_pipe,
    SYS_unlink,
#endif
#if defined(SYS_epoll_pwait2)
    SYS_epoll_pwait2,
#endif
#if defined(ECHO_SANITIZED)
    // ASan/LSan builds only: the leak check at exit stops the world from a traced helper, and
    // reads /proc/self/maps. Never in a normal build.
    SYS_clone,
    SYS_ptrace,
    SYS_prctl,
    SYS_wait4,
    SYS_openat,
    SYS_readlinkat,
    SYS_pread64,
    SYS_lseek,
    SYS_getdents64,
    SYS_sigaltstack,
    SYS_sched_getaffinity,
    SYS_prlimit64,
    SYS_getppid,
    SYS_waitid,
    SYS_tkill,
    SYS_rt_sigtimedwait,
    SYS_kill,
#if defined(__x86_64__)
    SYS_open,
    SYS_readlink,
    SYS_getdents,
    SYS_arch_prctl,
#endif
#endif
};

constexpr std::uint32_t allow = SECCOMP_RET_ALLOW;
constexpr std::uint32_t refuse = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);

sock_filter statement(std::uint16_t code, std::uint32_t k) {
    return BPF_STMT(code, k);
}
sock_filter jump(std::uint16_t code, std::uint32_t k, std::uint8_t if_true, std::uint8_t if_false) {
    return BPF_JUMP(code, k, if_true, if_false);
}

// The low 32 bits of a call's first argument.
constexpr std::uint32_t first_argument = offsetof(seccomp_data, args);

std::vector<sock_filter> filter_program() {
    std::vector<sock_filter> program {
        statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
            jump(BPF_JMP | BPF_JEQ | BPF_K, ECHO_SECCOMP_ARCH, 1, 0),
            statement(BPF_RET | BPF_K, refuse),
            statement(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
#if defined(__x86_64__)
            // x32 calls: the same architecture value, other numbers.
            jump(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
            statement(BPF_RET | BPF_K, refuse),
#endif
            // clone3(2) cannot be checked (its flags are behind a pointer): ENOSYS sends glibc back
            // to clone(2), whose flags can.
            jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1),
            statement(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
            // socket(2) for a netlink socket only: getifaddrs(3), which the UDP loop guard calls.
            jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 4),
            statement(BPF_LD | BPF_W | BPF_ABS, first_argument),
            jump(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1), statement(BPF_RET | BPF_K, allow),
            statement(BPF_RET | BPF_K, refuse),
#if !defined(ECHO_SANITIZED)
            // clone(2) for a thread only, never a new process.
            jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 4),
            statement(BPF_LD | BPF_W | BPF_ABS, first_argument),
            jump(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1), statement(BPF_RET | BPF_K, allow),
            statement(BPF_RET | BPF_K, refuse),
#endif
    };
    for (const long call : allowed_calls) {
        program.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<std::uint32_t>(call), 0, 1));
        program.push_back(statement(BPF_RET | BPF_K, allow));
    }
    program.push_back(statement(BPF_RET | BPF_K, refuse));
    return program;
}

} // namespace

SandboxOutcome install_sandbox() {
    std::vector<sock_filter> program = filter_program();
    const sock_fprog filter{static_cast<unsigned short>(program.size()), program.data()};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) != 0) {
        return SandboxOutcome::refused_by_kernel;
    }
    return SandboxOutcome::on;
}

#else

SandboxOutcome install_sandbox() {
    return SandboxOutcome::unsupported_platform;
}

#endif

void enter_sandbox(const Status& status) {
    // Error messages come from catalogues loaded on first use: load them while we still may.
    (void)std::strerror(EPERM);
    (void)tr("%s (try --help)");
    const SandboxOutcome outcome = install_sandbox();
    const int error = errno;
    switch (outcome) {
    case SandboxOutcome::on:
        return;
    case SandboxOutcome::unsupported_platform:
        status.line(tr("No sandbox: seccomp filter not written for this platform; serving "
                       "without it"));
        return;
    case SandboxOutcome::refused_by_kernel:
        status.line(fill(tr("No sandbox: %s; serving without it"), {describe("seccomp", error)}));
        return;
    }
}

} // namespace echo
