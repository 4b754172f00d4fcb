// Result<T>: a value or an Error naming what went wrong and where. The content engine's own copy
// (content/ may not include kiosk headers); every function at an edge returns one of these.
#pragma once
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace station::content {

struct Error {
    std::string message;  // complete, user-facing: names the file/field/blob and the offending value
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit on purpose
    Result(Error error) : state_(std::move(error)) {}  // NOLINT
    bool ok() const { return state_.index() == 0; }                 // true when it holds a value
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(state_); }                      // the value; asserts ok()
    const T& value() const { return std::get<0>(state_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(state_); }      // the error; asserts !ok()

private:
    std::variant<T, Error> state_;
};

struct Ok {};  // the value of a Result that carries no data

// Pieces of an error message: text as is, numbers in decimal.
inline std::string to_message_part(const std::string& s) { return s; }
inline std::string to_message_part(const char* s) { return s; }
inline std::string to_message_part(std::string_view s) { return std::string(s); }
template <typename N>
std::string to_message_part(N n) requires std::is_arithmetic_v<N> { return std::to_string(n); }

// Builds an Error from pieces: fail("blob ", hash, ": size ", n).
template <typename... Parts>
Error fail(const Parts&... parts) {
    std::string message;
    ((message += to_message_part(parts)), ...);
    return Error{std::move(message)};
}

}  // namespace station::content
