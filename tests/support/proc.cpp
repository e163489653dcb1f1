// SPDX-License-Identifier: MIT
#include "proc.hpp"

#include "catch.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace echo::test {

namespace {

std::string proc_of(pid_t pid) {
    return "/proc/" + std::to_string(pid);
}

} // namespace

std::size_t open_descriptors(pid_t pid) {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator(proc_of(pid) + "/fd")) {
        ++count;
    }
    return count;
}

int lowest_free_descriptor(pid_t pid) {
    std::vector<int> open;
    for (const auto& entry : std::filesystem::directory_iterator(proc_of(pid) + "/fd")) {
        open.push_back(std::stoi(entry.path().filename().string()));
    }
    int lowest = 0;
    while (std::find(open.begin(), open.end(), lowest) != open.end()) {
        ++lowest;
    }
    return lowest;
}

long memory_kib(pid_t pid, const std::string& field) {
    std::ifstream status(proc_of(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::stol(line.substr(field.size() + 1));
        }
    }
    FAIL("no " << field << " in /proc/" << pid << "/status");
    return 0;
}

std::chrono::milliseconds cpu_time(pid_t pid) {
    std::ifstream stat(proc_of(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // The fields after the command name, which sits in parentheses and may hold spaces: the
    // first of them is field 3 (state), so utime (14) and stime (15) are the 12th and 13th.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::vector<std::string> field((std::istream_iterator<std::string>(fields)),
                                   std::istream_iterator<std::string>());
    REQUIRE(field.size() > 12);
    const long ticks = std::stol(field[11]) + std::stol(field[12]);
    return std::chrono::milliseconds(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
}

std::uint16_t listening_port(pid_t pid) {
    const std::string proc = proc_of(pid);
    std::vector<std::string> inodes;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(proc + "/fd", error)) {
        const std::string target = std::filesystem::read_symlink(entry.path(), error).string();
        if (target.rfind("socket:[", 0) == 0) {
            inodes.push_back(target.substr(8, target.size() - 9));
        }
    }
    std::ifstream table(proc + "/net/tcp");
    std::string line;
    std::getline(table, line); // the header
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot;
        std::string local;
        std::string remote;
        std::string state;
        std::string skipped;
        fields >> slot >> local >> remote >> state;
        for (int field = 5; field <= 9; ++field) {
            fields >> skipped;
        }
        std::string inode;
        fields >> inode;
        if (state == "0A" && std::find(inodes.begin(), inodes.end(), inode) != inodes.end()) {
            return static_cast<std::uint16_t>(
                std::stoul(local.substr(local.find(':') + 1), nullptr, 16));
        }
    }
    return 0;
}

} // namespace echo::test
