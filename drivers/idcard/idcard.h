// ID-card reader (second-generation resident ID, SAM protocol). Byte facts:
// ../shared/reference/DEVICES.md.
//
//  1. Frames      encode_frame / decode_frame / SamFrameParser (streaming, resyncs)
//  2. Commands    SamCommand, command_frame()
//  3. Status      sam_status_message() for every SW3 code
//  4. Card data   IdCard, parse_card_text(), parse_read_reply(), gb11643_check_digit()
//  5. Reader      IdCardReader: reset/status/find/select/read over a Transport, paced polling
//
// Personal data: IdCard::masked_id() is the form to show or store; IdCard has no stream
// operator and describe()/Error values never carry a raw ID number.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/device.h"
#include "transport/transport.h"

namespace station::drivers {

// ---- 1. Frames ----------------------------------------------------------------------------

inline constexpr std::array<uint8_t, 5> kSamPreamble{0xAA, 0xAA, 0xAA, 0x96, 0x69};
inline constexpr size_t kSamMaxLen = 0x1000;  // larger LEN values are treated as garbage

// Wraps `body` as preamble | LEN_H LEN_L | body | XOR (LEN = body + 1, XOR over LEN..body).
std::vector<uint8_t> encode_frame(std::span<const uint8_t> body);

// XOR of `bytes` (the SAM checksum when given LEN_H..end of body).
uint8_t sam_xor(std::span<const uint8_t> bytes);

// Decodes exactly one frame held in `frame` (no bytes before or after); returns its body.
// Errors: Format for a missing preamble, an impossible LEN, a short frame ("half frame") or
// trailing bytes; Checksum for a wrong XOR (value: found and expected).
Result<std::vector<uint8_t>> decode_frame(std::span<const uint8_t> frame);

// Streaming decoder for bytes from the wire. Feed any chunks; take bodies out with next().
// Garbage before a preamble is skipped; a frame with a wrong checksum or impossible LEN is
// reported once and skipped; a half frame followed by a fresh preamble and a good frame is
// abandoned in favour of the good one. One thread at a time.
class SamFrameParser {
public:
    void feed(std::span<const uint8_t> bytes);
    // A frame body, an Error about skipped bytes, or std::nullopt when more bytes are needed.
    std::optional<Result<std::vector<uint8_t>>> next();
    size_t buffered() const { return buffer_.size(); }  // bytes held waiting for completion
    size_t pending_frame_size() const;  // full size of the incomplete frame at the front, or 0
    void clear() { buffer_.clear(); }

private:
    std::vector<uint8_t> buffer_;
};

// ---- 2. Commands --------------------------------------------------------------------------

enum class SamCommand {
    Reset,             // 10 FF (uncertain: some readers use 01 FF; both answer SW3 90)
    Status,            // 11 FF
    FindCard,          // 20 01
    SelectCard,        // 20 02
    ReadText,          // 30 01: text + photo
    ReadWithFingerprint,  // 30 10: text + photo + fingerprint
};

std::array<uint8_t, 2> command_body(SamCommand command);  // CMD PARA
std::vector<uint8_t> command_frame(SamCommand command);    // full frame, e.g. AA AA AA 96 69 00 03 20 01 22
const char* command_name(SamCommand command);              // "find card", ...

// ---- 3. Status ----------------------------------------------------------------------------

struct SamStatusText {
    const char* zh;  // 中文, for the screen
    const char* en;  // English, for logs
};
// Every documented SW3 (90, 9F, 91, 10, 11, 21, 23, 24, 31, 32, 33, 3F, 40, 41, 47, 60, 66,
// 80, 81); unknown codes get a generic text. Static strings.
SamStatusText sam_status_message(uint8_t sw3);
bool sam_status_is_success(uint8_t sw3);  // 0x90 or 0x9F

// ---- 4. Card data -------------------------------------------------------------------------

enum class CardType {
    ResidentId,          // 居民身份证
    HkMacauTaiwanPermit, // 港澳台居民居住证 ('J' at offset 248)
    ForeignerOld,        // 外国人永久居留证 (old, 'I')
    Foreigner2023,       // 外国人永久居留身份证 (2023, 'Y')
};
const char* card_type_name(CardType type);  // "resident_id", "hk_macau_taiwan_permit", "foreigner_old", "foreigner_2023"
const char* card_type_label_zh(CardType type);

enum class Sex { Unknown, Male, Female, Unspecified };
const char* sex_name(Sex sex);  // "unknown", "male", "female", "unspecified"
const char* sex_label_zh(Sex sex);

// Everything on the card, as UTF-8. Fields a layout lacks stay empty.
struct IdCard {
    CardType card_type = CardType::ResidentId;
    std::string name;          // Chinese name (resident, J, Y; the Chinese name on I)
    std::string english_name;  // I; Y (parts 1 and 2 joined)
    Sex sex = Sex::Unknown;
    std::string nation_code;   // "01".."56", "97", "98" (resident ID only)
    std::string nation;        // 汉, 蒙古, ... from the code
    std::string birth_date;    // YYYYMMDD
    std::string address;
    std::string id_number;     // raw: never log it; use masked_id()
    std::string issuer;        // issuing authority
    std::string valid_from;    // YYYYMMDD
    std::string valid_to;      // YYYYMMDD or 长期
    std::string pass_number;   // J: 通行证号码
    std::string issue_count;   // J: 签发次数
    std::string nationality;   // I: 3-letter code; Y: country code
    std::vector<uint8_t> photo;        // 1024 WLT-compressed bytes, untouched
    std::vector<uint8_t> fingerprint;  // when read with fingerprint, untouched

    // "3101**********123X": first 4 and last 4 characters kept, the rest starred.
    std::string masked_id() const;
    // Hex SHA-256 of salt || id_number, for storing alongside the masked number.
    std::string salted_id_hash(std::string_view salt) const;
};

// The card as named text fields for diagnostics (`stationctl device read-idcard --json`):
// card_type, name, english_name, sex, nation, birth_date, address, id_number, issuer,
// valid_from, valid_to (+ pass_number, issue_count, nationality where the layout has them).
// id_number is masked unless `unmasked`.
std::vector<std::pair<std::string, std::string>> card_fields(const IdCard& card, bool unmasked = false);

// Masks any ID-like string the same way as IdCard::masked_id().
std::string mask_id_number(std::string_view id_number);

// GB 11643 (ISO 7064 MOD 11-2) check character for the first 17 digits: '0'..'9' or 'X';
// std::nullopt when those are not 17 digits.
std::optional<char> gb11643_check_digit(std::string_view first17);
// Ok when `id` is 18 characters, 17 digits and the right check character (x accepted as X).
// The error names the field and shows the masked number, expected and found characters.
Result<Ok> validate_id_number(std::string_view id, std::string_view field = "id_number");

// Parses the 256-byte text block (any of the four layouts). Fails with Format naming the
// field on bad UCS-2, a wrong-length block, a non-numeric ID; the check digit is
// validated for every 18-character ID number and a wrong one is an error.
Result<IdCard> parse_card_text(std::span<const uint8_t> text);

// Parses the body of a read reply (SW1 SW2 SW3 + lengths + text + photo [+ fingerprint]).
// SW3 other than 90 becomes a DeviceStatus error with sam_status_message().
Result<IdCard> parse_read_reply(std::span<const uint8_t> body);

// Builds a 256-byte text block from a card (for simulators and tests; inverse of the parser).
std::vector<uint8_t> build_card_text(const IdCard& card);

// ---- 5. Reader ----------------------------------------------------------------------------

struct IdCardReaderOptions {
    Millis poll_interval{300};    // minimum time between polls (DEVICES.md: no faster than 300 ms)
    Millis reply_timeout{500};    // for reset/status/find/select replies
    Millis read_timeout{1500};    // for the 1295-byte read reply (~112 ms on the wire)
    bool with_fingerprint = false;
};

enum class PollOutcome {
    NoCard,        // find answered 80
    CardRead,      // card holds the data
    WaitingForLift,  // a card is present but was already read or failed: lift and place it again
    Failed,        // error holds what went wrong; the card must be lifted before the next read
};

struct PollResult {
    PollOutcome outcome = PollOutcome::NoCard;
    std::optional<IdCard> card;  // when CardRead
    std::optional<Error> error;  // when Failed
};

// Drives a SAM reader over a Transport (serial 115200 8N1). Owned and called by one worker
// thread; health() from any thread. Every call is bounded by the timeouts in the options.
class IdCardReader : public HealthSource {
public:
    // `clock` paces polling; it must outlive the reader (SystemClock::instance() by default).
    IdCardReader(std::unique_ptr<Transport> transport, IdCardReaderOptions options = {},
                 Clock& clock = SystemClock::instance());
    // Opens `uri` (e.g. /dev/ttyUSB0) at 115200 8N1 and checks the SAM status.
    static Result<std::unique_ptr<IdCardReader>> open(const std::string& uri, IdCardReaderOptions options = {},
                                                      Clock& clock = SystemClock::instance());

    // One command, its reply body checked (SW3 must be success) — the building blocks.
    Result<std::vector<uint8_t>> transact(SamCommand command, Millis timeout);
    Result<Ok> reset();
    Result<Ok> check_status();  // SW3 90, else DeviceStatus (60: SAM self-test failed)
    Result<bool> find_card();   // true on 9F, false on 80
    Result<Ok> select_card();
    Result<IdCard> read_card();

    // One paced poll: sleeps (via the clock) until poll_interval after the previous poll,
    // then find → select → read. After a read or an error the same card is not read
    // again until find reports no card (the card was lifted).
    PollResult poll();

    DeviceHealth health() const override;

private:
    Result<std::vector<uint8_t>> exchange(SamCommand command, Millis timeout);
    void note_error(const Error& error);

    std::unique_ptr<Transport> transport_;
    IdCardReaderOptions options_;
    Clock& clock_;
    SamFrameParser parser_;
    std::optional<Clock::TimePoint> last_poll_;
    bool must_lift_ = false;
    HealthCell health_;
};

}  // namespace station::drivers
