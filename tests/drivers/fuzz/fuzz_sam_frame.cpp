// libFuzzer target: SAM frames from the wire, then the read reply and card text parsers.
#include <cstddef>
#include <cstdint>

#include "idcard/idcard.h"

using namespace station::drivers;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> bytes(data, size);
    (void)decode_frame(bytes);
    SamFrameParser parser;
    // Feed in two pieces to exercise reassembly.
    parser.feed(bytes.first(size / 2));
    while (auto item = parser.next()) (void)item;
    parser.feed(bytes.subspan(size / 2));
    while (auto item = parser.next())
        if (item->ok()) (void)parse_read_reply(item->value());
    (void)parse_read_reply(bytes);
    if (size >= 256) (void)parse_card_text(bytes.first(256));
    return 0;
}
