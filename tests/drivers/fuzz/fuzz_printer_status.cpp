// libFuzzer target: DLE EOT status bytes (first byte picks n).
#include <cstddef>
#include <cstdint>

#include "printer/printer.h"

using namespace station::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    PrinterStatus status;
    int n = data[0] % 6;
    for (size_t i = 1; i < size; ++i) (void)parse_status_byte(n, data[i], status);
    (void)status.health();
    return 0;
}
