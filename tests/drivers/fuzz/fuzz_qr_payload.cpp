// libFuzzer target: serial scanner lines and payload validation.
#include <cstddef>
#include <cstdint>

#include "qr/qr_scanner.h"

using namespace station::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    (void)validate_qr_payload(std::string_view(reinterpret_cast<const char*>(data), size), 256);
    QrLineDecoder decoder(256);
    decoder.feed(std::span(data, size));
    while (auto item = decoder.next())
        if (item->ok() && !validate_qr_payload(item->value(), 256).ok()) __builtin_trap();
    return 0;
}
