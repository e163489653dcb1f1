// SPDX-License-Identifier: MIT
#include "echo/explain.hpp"

#include "call_report.hpp"

#include <cstring>

#include <sys/socket.h>

namespace echo {

namespace detail {

CallObserver call_observer = nullptr;

namespace {

void* call_context = nullptr;

// "ECONNREFUSED"
std::string errno_name(int error) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    if (const char* name = ::strerrorname_np(error); name != nullptr) {
        return name;
    }
#endif
    return "errno " + std::to_string(error);
}

} // namespace

void report_call(std::string_view name, const std::string& arguments, long result, int error,
                 std::size_t asked, std::span<const std::byte> data, const std::string& after) {
    std::string text(name);
    text += '(';
    text += arguments;
    text += ") = ";
    if (result < 0) {
        text += "-1 " + errno_name(error) + " (" + std::strerror(error) + ")";
    } else {
        text += std::to_string(result);
        text += after;
        error = 0;
    }
    if (call_observer != nullptr) {
        call_observer(call_context, Call{name, text, result < 0 ? -1 : result, error, asked, data});
    }
}

std::string family_name(int family) {
    switch (family) {
    case AF_INET:
        return "AF_INET";
    case AF_INET6:
        return "AF_INET6";
    case AF_UNIX:
        return "AF_UNIX";
    default:
        return std::to_string(family);
    }
}

std::string type_name(int type) {
    switch (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
    case SOCK_STREAM:
        return "SOCK_STREAM";
    case SOCK_DGRAM:
        return "SOCK_DGRAM";
    default:
        return std::to_string(type);
    }
}

} // namespace detail

void observe_calls(CallObserver observer, void* context) noexcept {
    detail::call_context = context;
    detail::call_observer = observer;
}

} // namespace echo
