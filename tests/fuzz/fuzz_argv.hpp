// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace echo::fuzz {

// libFuzzer's bytes as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A command line built from fuzz input: the program's name, then the input split on NUL bytes,
// one word per piece (so "-p\0" "80" is two words). Owns its strings; argv() is NULL-terminated
// and mutable, as getopt_long(3) wants (it permutes the pointers).
class Argv final {
  public:
    Argv(const char* program, std::string_view input) {
        words_.emplace_back(program);
        if (!input.empty()) {
            for (std::size_t start = 0;;) {
                const std::size_t end = input.find('\0', start);
                words_.emplace_back(input.substr(start, end - start));
                if (end == std::string_view::npos) {
                    break;
                }
                start = end + 1;
            }
        }
        for (std::string& word : words_) {
            pointers_.push_back(word.data());
        }
        pointers_.push_back(nullptr);
    }
    Argv(const Argv&) = delete; // the pointers point into this object's strings
    Argv& operator=(const Argv&) = delete;
    ~Argv() = default;

    [[nodiscard]] int argc() const { return static_cast<int>(words_.size()); }
    [[nodiscard]] char** argv() { return pointers_.data(); }

  private:
    std::vector<std::string> words_;
    std::vector<char*> pointers_;
};

} // namespace echo::fuzz
