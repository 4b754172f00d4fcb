#include "kiosk/ui/voice.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kiosk/ui/help_session.h"

namespace station::ui {
namespace {

// Decodes a WAV file into mono signed 16-bit samples at Voice::kRate.
bool load_clip(const std::filesystem::path& file, std::vector<int16_t>& samples) {
    SDL_AudioSpec spec{};
    Uint8* buffer = nullptr;
    Uint32 length = 0;
    if (!SDL_LoadWAV(file.c_str(), &spec, &buffer, &length)) {
        spdlog::warn("voice: cannot read {}: {}", file.string(), SDL_GetError());
        return false;
    }
    SDL_AudioCVT cvt;
    int needed =
        SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq, AUDIO_S16SYS, 1, Voice::kRate);
    if (needed < 0) {
        spdlog::warn("voice: cannot convert {}: {}", file.string(), SDL_GetError());
        SDL_FreeWAV(buffer);
        return false;
    }
    std::vector<Uint8> work(size_t(length) * size_t(std::max(1, cvt.len_mult)));
    std::memcpy(work.data(), buffer, length);
    SDL_FreeWAV(buffer);
    cvt.buf = work.data();
    cvt.len = int(length);
    if (needed == 1 && SDL_ConvertAudio(&cvt) != 0) return false;
    int bytes = needed == 1 ? cvt.len_cvt : int(length);
    samples.resize(size_t(bytes) / sizeof(int16_t));
    std::memcpy(samples.data(), work.data(), samples.size() * sizeof(int16_t));
    return !samples.empty();
}

}  // namespace

Voice::Voice(std::vector<std::filesystem::path> clip_dirs) : clip_dirs_(std::move(clip_dirs)) {}

Voice::~Voice() {
    close_device();
    if (audio_ready_) SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

const std::vector<int16_t>* Voice::clip(const std::string& key) {
    if (auto it = cache_.find(key); it != cache_.end()) return &it->second;
    for (const auto& dir : clip_dirs_) {
        std::filesystem::path file = dir / (key + ".wav");
        std::error_code ec;
        if (dir.empty() || !std::filesystem::exists(file, ec)) continue;
        std::vector<int16_t> samples;
        if (load_clip(file, samples)) return &(cache_[key] = std::move(samples));
    }
    if (!missing_logged_[key]) {
        missing_logged_[key] = true;
        spdlog::warn("voice: no clip for '{}'", key);
    }
    return nullptr;
}

bool Voice::has_clip(const std::string& key) {
    return clip(key) != nullptr;
}

bool Voice::say(const std::vector<std::string>& keys, Mode mode) {
    std::vector<int16_t> speech;
    const bool append = mode == Mode::after_current && device_ && ms_until_done() > 0;
    if (!append) last_spoken_.clear();
    for (const auto& key : keys) {
        const std::vector<int16_t>* samples = clip(key);
        if (!samples) continue;
        speech.insert(speech.end(), samples->begin(), samples->end());
        speech.insert(speech.end(), size_t(kRate / 10), 0);  // a short breath between clips
        last_spoken_.push_back(key);
    }
    if (speech.empty()) return false;
    for (int16_t& sample : speech) sample = int16_t(std::lround(float(sample) * volume_));

    if (!audio_ready_ && !audio_failed_) {
        audio_ready_ = SDL_InitSubSystem(SDL_INIT_AUDIO) == 0;
        if (!audio_ready_) {
            audio_failed_ = true;
            spdlog::warn("voice: no audio ({}); prompts are shown as words only", SDL_GetError());
        }
    }
    if (!audio_ready_) return false;
    if (!device_) {
        SDL_AudioSpec want{}, have{};
        want.freq = kRate;
        want.format = AUDIO_S16SYS;
        want.channels = 1;
        want.samples = 2048;
        device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);  // SDL converts to the device
        if (!device_) {
            spdlog::warn("voice: cannot open the audio device: {}", SDL_GetError());
            return false;
        }
    }
    auto length = std::chrono::milliseconds(int64_t(speech.size()) * 1000 / kRate + 200);
    if (append) {
        done_at_ += length;  // queued behind what is being said
    } else {
        SDL_ClearQueuedAudio(device_);
        done_at_ = std::chrono::steady_clock::now() + length;
    }
    SDL_QueueAudio(device_, speech.data(), Uint32(speech.size() * sizeof(int16_t)));
    SDL_PauseAudioDevice(device_, 0);
    return true;
}

void Voice::tick() {
    if (device_ && std::chrono::steady_clock::now() >= done_at_ && SDL_GetQueuedAudioSize(device_) == 0)
        close_device();
}

int64_t Voice::ms_until_done() const {
    if (!device_) return -1;
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(done_at_ - std::chrono::steady_clock::now());
    return std::max<int64_t>(left.count(), 50);
}

void Voice::set_volume(float volume) {
    volume_ = std::clamp(volume, 0.f, 1.f);
}

void Voice::close_device() {
    if (device_) SDL_CloseAudioDevice(device_);
    device_ = 0;
}

std::vector<std::string> help_prompt(const HelpSnapshot& call) {
    std::vector<std::string> keys;
    if (call.last_change == "ticket_printed") return {"help.ticket_printed"};
    if (call.last_change == "identified") return {"help.identified"};
    if (call.last_change == "ticket_failed") {
        keys = {"help.ticket_failed", "help.your_number"};
        for (char c : call.ticket) {
            if (c >= '0' && c <= '9')
                keys.push_back(std::string("digit.") + c);
            else if (c >= 'A' && c <= 'Z')
                keys.push_back(std::string("letter.") + c);
        }
        return keys;
    }
    if (call.state == "called") {
        keys.push_back(call.escalation > 0 ? "help.called_escalated" : "help.called");
        keys.push_back("help.your_number");
        for (char c : call.ticket) {
            if (c >= '0' && c <= '9')
                keys.push_back(std::string("digit.") + c);
            else if (c >= 'A' && c <= 'Z')
                keys.push_back(std::string("letter.") + c);
        }
    } else if (call.state == "resolved") {
        keys = {"help.resolved", "help.rate"};
    } else if (!call.state.empty()) {
        keys.push_back("help." + call.state);
    }
    return keys;
}

std::filesystem::path builtin_voice_dir() {
    char* base = SDL_GetBasePath();
    if (!base) return {};
    std::filesystem::path dir = std::filesystem::path(base) / STATION_VOICE_RELATIVE_DIR;
    SDL_free(base);
    return dir.lexically_normal();
}

}  // namespace station::ui
