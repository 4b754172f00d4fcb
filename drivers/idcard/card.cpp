// ID card text layouts (DEVICES.md "Text block") and the GB 11643 check digit.
#include <algorithm>
#include <cstdio>

#include "common/sha256.h"
#include "common/text.h"
#include "idcard/idcard.h"

namespace station::drivers {

namespace {

constexpr const char* kNations[] = {
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白",
    "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒",
    "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"};

struct Field {
    size_t offset;
    size_t length;
    const char* name;
};

// Field positions, in bytes of the 256-byte block.
constexpr Field kName{0, 30, "name"}, kSex{30, 2, "sex"}, kNation{32, 4, "nation"}, kBirth{36, 16, "birth_date"},
    kAddress{52, 70, "address"}, kIdNumber{122, 36, "id_number"}, kIssuer{158, 30, "issuer"},
    kValidFrom{188, 16, "valid_from"}, kValidTo{204, 16, "valid_to"}, kPassNumber{220, 18, "pass_number"},
    kIssueCount{238, 4, "issue_count"};
// Old foreigner card ('I').
constexpr Field kIEnglishName{0, 120, "english_name"}, kISex{120, 2, "sex"}, kINumber{122, 30, "id_number"},
    kINationality{152, 6, "nationality"}, kIName{158, 30, "name"}, kIBirth{220, 16, "birth_date"};
// 2023 foreigner card ('Y').
constexpr Field kYEnglish1{52, 70, "english_name"}, kYEnglish2{220, 22, "english_name"}, kYCountry{242, 6, "nationality"};
constexpr size_t kTypeMarkerOffset = 248;

Result<std::string> field_text(std::span<const uint8_t> block, Field f, bool trim = true) {
    return ucs2le_to_utf8(block.subspan(f.offset, f.length), std::string("card.") + f.name, trim);
}

std::string trimmed(std::string s) {
    size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<Ok> check_date(const std::string& value, const char* field, bool allow_long_term) {
    if (value.empty() || (allow_long_term && value == "长期")) return Ok{};
    if (value.size() != 8 || !all_digits(value))
        return make_error(ErrorCode::Format, std::string("card.") + field, value, "日期应为 YYYYMMDD date must be YYYYMMDD");
    int month = std::stoi(value.substr(4, 2)), day = std::stoi(value.substr(6, 2));
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return make_error(ErrorCode::Format, std::string("card.") + field, value, "日期无效 invalid date");
    return Ok{};
}

Result<Sex> parse_sex(const std::string& value) {
    if (value == "1") return Sex::Male;
    if (value == "2") return Sex::Female;
    if (value == "0" || value.empty()) return Sex::Unknown;
    if (value == "9") return Sex::Unspecified;
    return make_error(ErrorCode::Format, "card.sex", value, "性别代码无效 sex code must be 0, 1, 2 or 9");
}

std::string sex_code(Sex sex) {
    switch (sex) {
        case Sex::Male: return "1";
        case Sex::Female: return "2";
        case Sex::Unspecified: return "9";
        case Sex::Unknown: return "0";
    }
    return "0";
}

void put(std::vector<uint8_t>& block, Field f, const std::string& text) {
    std::string encoded = utf8_to_ucs2le(text, f.length);
    std::copy(encoded.begin(), encoded.end(), block.begin() + static_cast<std::ptrdiff_t>(f.offset));
}

}  // namespace

const char* card_type_name(CardType type) {
    switch (type) {
        case CardType::ResidentId: return "resident_id";
        case CardType::HkMacauTaiwanPermit: return "hk_macau_taiwan_permit";
        case CardType::ForeignerOld: return "foreigner_old";
        case CardType::Foreigner2023: return "foreigner_2023";
    }
    return "resident_id";
}

const char* card_type_label_zh(CardType type) {
    switch (type) {
        case CardType::ResidentId: return "居民身份证";
        case CardType::HkMacauTaiwanPermit: return "港澳台居民居住证";
        case CardType::ForeignerOld: return "外国人永久居留证";
        case CardType::Foreigner2023: return "外国人永久居留身份证";
    }
    return "居民身份证";
}

const char* sex_name(Sex sex) {
    switch (sex) {
        case Sex::Male: return "male";
        case Sex::Female: return "female";
        case Sex::Unspecified: return "unspecified";
        case Sex::Unknown: return "unknown";
    }
    return "unknown";
}

const char* sex_label_zh(Sex sex) {
    switch (sex) {
        case Sex::Male: return "男";
        case Sex::Female: return "女";
        case Sex::Unspecified: return "未说明";
        case Sex::Unknown: return "未知";
    }
    return "未知";
}

std::string mask_id_number(std::string_view id) {
    if (id.size() <= 8) return std::string(id.size(), '*');
    return std::string(id.substr(0, 4)) + std::string(id.size() - 8, '*') + std::string(id.substr(id.size() - 4));
}

std::vector<std::pair<std::string, std::string>> card_fields(const IdCard& card, bool unmasked) {
    std::vector<std::pair<std::string, std::string>> fields{
        {"card_type", card_type_name(card.card_type)},
        {"name", card.name},
        {"english_name", card.english_name},
        {"sex", sex_name(card.sex)},
        {"nation", card.nation},
        {"birth_date", card.birth_date},
        {"address", card.address},
        {"id_number", unmasked ? card.id_number : card.masked_id()},
        {"issuer", card.issuer},
        {"valid_from", card.valid_from},
        {"valid_to", card.valid_to},
    };
    if (card.card_type == CardType::HkMacauTaiwanPermit) {
        fields.emplace_back("pass_number", card.pass_number);
        fields.emplace_back("issue_count", card.issue_count);
    }
    if (card.card_type == CardType::ForeignerOld || card.card_type == CardType::Foreigner2023)
        fields.emplace_back("nationality", card.nationality);
    return fields;
}

std::string IdCard::masked_id() const { return mask_id_number(id_number); }

std::string IdCard::salted_id_hash(std::string_view salt) const {
    return sha256_hex(std::string(salt) + id_number);
}

std::optional<char> gb11643_check_digit(std::string_view first17) {
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static constexpr char kCheck[] = "10X98765432";
    if (first17.size() != 17 || !all_digits(first17)) return std::nullopt;
    int sum = 0;
    for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
    return kCheck[sum % 11];
}

Result<Ok> validate_id_number(std::string_view id, std::string_view field) {
    std::string name(field);
    if (id.size() != 18)
        return make_error(ErrorCode::Format, name, mask_id_number(id),
                          "证件号码应为 18 位 ID number must have 18 characters, found " + std::to_string(id.size()));
    auto expected = gb11643_check_digit(id.substr(0, 17));
    if (!expected)
        return make_error(ErrorCode::Format, name, mask_id_number(id), "前 17 位应为数字 first 17 characters must be digits");
    char found = id[17] == 'x' ? 'X' : id[17];
    if (found != *expected)
        return make_error(ErrorCode::Format, name, mask_id_number(id),
                          std::string("校验位错误 check digit wrong: expected ") + *expected + ", found " + id[17]);
    return Ok{};
}

Result<IdCard> parse_card_text(std::span<const uint8_t> block) {
    if (block.size() != 256)
        return make_error(ErrorCode::Format, "card.text", std::to_string(block.size()) + " bytes",
                          "文字信息应为 256 字节 text block must be 256 bytes");
    IdCard card;
    uint8_t marker = block[kTypeMarkerOffset];
    bool marker_is_ascii = block[kTypeMarkerOffset + 1] == 0;
    if (marker_is_ascii && marker == 'J') card.card_type = CardType::HkMacauTaiwanPermit;
    else if (marker_is_ascii && marker == 'I') card.card_type = CardType::ForeignerOld;
    else if (marker_is_ascii && marker == 'Y') card.card_type = CardType::Foreigner2023;

    auto read = [&](Field f, std::string& out, bool trim = true) -> std::optional<Error> {
        auto text = field_text(block, f, trim);
        if (!text) return text.error();
        out = std::move(*text);
        return std::nullopt;
    };
    std::string sex;
    std::optional<Error> err;
    switch (card.card_type) {
        case CardType::ResidentId:
        case CardType::HkMacauTaiwanPermit: {
            for (auto [f, out] : {std::pair{kName, &card.name}, {kSex, &sex}, {kBirth, &card.birth_date},
                                  {kAddress, &card.address}, {kIdNumber, &card.id_number}, {kIssuer, &card.issuer},
                                  {kValidFrom, &card.valid_from}, {kValidTo, &card.valid_to}})
                if ((err = read(f, *out))) return *err;
            if (card.card_type == CardType::ResidentId) {
                if ((err = read(kNation, card.nation_code))) return *err;
                if (!card.nation_code.empty()) {
                    if (!all_digits(card.nation_code))
                        return make_error(ErrorCode::Format, "card.nation", card.nation_code, "民族代码应为数字 nation code must be digits");
                    int code = std::stoi(card.nation_code);
                    card.nation = code >= 1 && code <= 56 ? kNations[code - 1]
                                  : code == 97           ? "其他"
                                  : code == 98           ? "外国血统中国籍人士"
                                                         : "未知";
                }
            } else {
                if ((err = read(kPassNumber, card.pass_number))) return *err;
                if ((err = read(kIssueCount, card.issue_count))) return *err;
            }
            break;
        }
        case CardType::ForeignerOld:
            for (auto [f, out] : {std::pair{kIEnglishName, &card.english_name}, {kISex, &sex}, {kINumber, &card.id_number},
                                  {kINationality, &card.nationality}, {kIName, &card.name}, {kValidFrom, &card.valid_from},
                                  {kValidTo, &card.valid_to}, {kIBirth, &card.birth_date}})
                if ((err = read(f, *out))) return *err;
            break;
        case CardType::Foreigner2023: {
            std::string part1, part2;
            for (auto [f, out] : {std::pair{kName, &card.name}, {kSex, &sex}, {kBirth, &card.birth_date},
                                  {kIdNumber, &card.id_number}, {kValidFrom, &card.valid_from},
                                  {kValidTo, &card.valid_to}, {kYCountry, &card.nationality}})
                if ((err = read(f, *out))) return *err;
            // Part 2 continues part 1 where the name did not fit in 35 characters; a space at
            // the seam belongs to the name, so join before trimming.
            if ((err = read(kYEnglish1, part1, false)) || (err = read(kYEnglish2, part2, false))) return *err;
            card.english_name = trimmed(part1 + part2);
            break;
        }
    }
    auto parsed_sex = parse_sex(sex);
    if (!parsed_sex) return parsed_sex.error();
    card.sex = *parsed_sex;
    if (auto ok = check_date(card.birth_date, "birth_date", false); !ok) return ok.error();
    if (auto ok = check_date(card.valid_from, "valid_from", false); !ok) return ok.error();
    if (auto ok = check_date(card.valid_to, "valid_to", true); !ok) return ok.error();
    if (card.id_number.empty())
        return make_error(ErrorCode::Format, "card.id_number", "", "证件号码为空 ID number is empty");
    if (card.card_type == CardType::ForeignerOld) {
        // Old foreigner card numbers are 15 characters (3-letter country code + digits), no GB 11643 check.
        bool ok = card.id_number.size() == 15 &&
                  std::all_of(card.id_number.begin(), card.id_number.end(), [](char c) {
                      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                  });
        if (!ok)
            return make_error(ErrorCode::Format, "card.id_number", mask_id_number(card.id_number),
                              "永久居留证号码应为 15 位字母数字 card number must be 15 letters/digits");
    } else if (auto ok = validate_id_number(card.id_number, "card.id_number"); !ok) {
        return ok.error();
    }
    if (card.id_number.back() == 'x') card.id_number.back() = 'X';
    return card;
}

Result<IdCard> parse_read_reply(std::span<const uint8_t> body) {
    if (body.size() < 3)
        return make_error(ErrorCode::Format, "sam.read", std::to_string(body.size()) + " bytes", "回复过短 reply too short");
    uint8_t sw3 = body[2];
    if (sw3 != 0x90) {
        auto text = sam_status_message(sw3);
        char code[8];
        std::snprintf(code, sizeof code, "0x%02X", sw3);
        return make_error(ErrorCode::DeviceStatus, "sam.read.sw3", code, std::string(text.zh) + " " + text.en);
    }
    if (body.size() < 7)
        return make_error(ErrorCode::Format, "sam.read", std::to_string(body.size()) + " bytes", "回复缺少长度字段 reply lacks lengths");
    size_t text_len = (size_t(body[3]) << 8) | body[4];
    size_t photo_len = (size_t(body[5]) << 8) | body[6];
    size_t header = 7, fp_len = 0;
    if (header + text_len + photo_len != body.size()) {
        // Read with fingerprint: a third length (DEVICES.md: text then starts at frame offset 16).
        if (body.size() >= 9) {
            fp_len = (size_t(body[7]) << 8) | body[8];
            header = 9;
        }
        if (header + text_len + photo_len + fp_len != body.size())
            return make_error(ErrorCode::Format, "sam.read.len",
                              std::to_string(body.size()) + " bytes for text " + std::to_string(text_len) + " + photo " +
                                  std::to_string(photo_len),
                              "数据长度不一致 lengths do not add up");
    }
    if (text_len != 256)
        return make_error(ErrorCode::Format, "sam.read.text_len", std::to_string(text_len), "文字信息应为 256 字节 text must be 256 bytes");
    auto card = parse_card_text(body.subspan(header, text_len));
    if (!card) return card.error();
    auto photo = body.subspan(header + text_len, photo_len);
    card->photo.assign(photo.begin(), photo.end());
    auto fp = body.subspan(header + text_len + photo_len, fp_len);
    card->fingerprint.assign(fp.begin(), fp.end());
    return card;
}

std::vector<uint8_t> build_card_text(const IdCard& card) {
    std::vector<uint8_t> block(256);
    put(block, Field{0, 256, "all"}, "");
    switch (card.card_type) {
        case CardType::ResidentId:
        case CardType::HkMacauTaiwanPermit:
            put(block, kName, card.name);
            put(block, kSex, sex_code(card.sex));
            put(block, kBirth, card.birth_date);
            put(block, kAddress, card.address);
            put(block, kIdNumber, card.id_number);
            put(block, kIssuer, card.issuer);
            put(block, kValidFrom, card.valid_from);
            put(block, kValidTo, card.valid_to);
            if (card.card_type == CardType::ResidentId) {
                put(block, kNation, card.nation_code);
            } else {
                put(block, kPassNumber, card.pass_number);
                put(block, kIssueCount, card.issue_count);
                put(block, Field{kTypeMarkerOffset, 2, "type"}, "J");
            }
            break;
        case CardType::ForeignerOld:
            put(block, kIEnglishName, card.english_name);
            put(block, kISex, sex_code(card.sex));
            put(block, kINumber, card.id_number);
            put(block, kINationality, card.nationality);
            put(block, kIName, card.name);
            put(block, kValidFrom, card.valid_from);
            put(block, kValidTo, card.valid_to);
            put(block, kIBirth, card.birth_date);
            put(block, Field{kTypeMarkerOffset, 2, "type"}, "I");
            break;
        case CardType::Foreigner2023: {
            put(block, kName, card.name);
            put(block, kSex, sex_code(card.sex));
            put(block, kBirth, card.birth_date);
            auto chars = utf8_to_u32(card.english_name);
            size_t split = std::min<size_t>(chars.size(), kYEnglish1.length / 2);
            put(block, kYEnglish1, u32_to_utf8(std::u32string_view(chars).substr(0, split)));
            put(block, kYEnglish2, u32_to_utf8(std::u32string_view(chars).substr(split)));
            put(block, kIdNumber, card.id_number);
            put(block, kValidFrom, card.valid_from);
            put(block, kValidTo, card.valid_to);
            put(block, kYCountry, card.nationality);
            put(block, Field{kTypeMarkerOffset, 2, "type"}, "Y");
            break;
        }
    }
    return block;
}

}  // namespace station::drivers
