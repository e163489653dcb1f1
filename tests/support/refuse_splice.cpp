// SPDX-License-Identifier: MIT
// echo_refuse_splice ERRNO PROGRAM [ARG]...: runs PROGRAM in a process where splice(2) fails
// with ERRNO (EINVAL or ENOSYS), as on kernels or sandboxes without it (gVisor, old Linux, other
// systems). A seccomp filter does it; it is inherited across exec.
// echo_refuse_splice ERRNO --probe: checks that the filter works here (exit 0), or exit 1.
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

#if defined(__x86_64__)
constexpr unsigned this_arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned this_arch = AUDIT_ARCH_AARCH64;
#else
#error "echo_refuse_splice knows x86-64 and AArch64 only"
#endif

bool refuse_splice(unsigned error) {
    sock_filter program[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, this_arch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_splice, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (error & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog filter{static_cast<unsigned short>(sizeof(program) / sizeof(program[0])), program};
    return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) == 0;
}

} // namespace

int main(int argc, char* argv[]) {
    if (argc < 3) {
        std::fputs("Usage: echo_refuse_splice EINVAL|ENOSYS PROGRAM [ARG]... | --probe\n", stderr);
        return 2;
    }
    const std::string_view name = argv[1];
    const unsigned error = name == "EINVAL" ? EINVAL : name == "ENOSYS" ? ENOSYS : 0;
    if (error == 0 || !refuse_splice(error)) {
        std::fprintf(stderr, "echo_refuse_splice: cannot refuse splice with %s: %s\n", argv[1],
                     std::strerror(errno));
        return 1;
    }
    if (std::string_view(argv[2]) == "--probe") {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            return 1;
        }
        const ssize_t n = ::splice(fds[0], nullptr, fds[1], nullptr, 1, SPLICE_F_NONBLOCK);
        return n < 0 && errno == static_cast<int>(error) ? 0 : 1;
    }
    ::execv(argv[2], argv + 2);
    std::fprintf(stderr, "echo_refuse_splice: exec %s: %s\n", argv[2], std::strerror(errno));
    return 1;
}
