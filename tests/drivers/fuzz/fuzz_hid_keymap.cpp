// libFuzzer target: HID key events (pairs of bytes: code, value) into the scan assembler.
#include <cstddef>
#include <cstdint>

#include "qr/qr_scanner.h"

using namespace station::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    HidScanAssembler hid(128);
    for (size_t i = 0; i + 1 < size; i += 2) {
        if (auto scan = hid.feed(data[i], data[i + 1] % 3))
            if (scan->ok() && !validate_qr_payload(scan->value(), 128).ok()) __builtin_trap();
    }
    return 0;
}
