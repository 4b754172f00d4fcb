// Result<T>: a value or an Error that names what went wrong and where. Used at every edge
// (config, files, API bodies) instead of exceptions, so errors never cross threads unnoticed.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace station {

struct Error {
    std::string message;  // complete, user-facing: names the file/field and the offending value
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit on purpose
    Result(Error error) : state_(std::move(error)) {}    // NOLINT
    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(state_); }
    const T& value() const { return std::get<0>(state_); }
    T& operator*() { return value(); }
    T* operator->() { return &value(); }
    const Error& error() const { return std::get<1>(state_); }

private:
    std::variant<T, Error> state_;
};

struct Ok {};  // the value of a Result that carries no data

}  // namespace station
