#include "admin/console/alert_sound.h"

#include <cmath>
#include <cstdio>

namespace station::console {

AlertSound::AlertSound() {
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        std::fprintf(stderr, "station-admin: no sound (%s); calls still show on screen\n", SDL_GetError());
        return;
    }
    SDL_AudioSpec want{}, have{};
    want.freq = sample_rate_;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
    if (device_ == 0) {
        std::fprintf(stderr, "station-admin: no sound (%s); calls still show on screen\n", SDL_GetError());
        return;
    }
    SDL_PauseAudioDevice(device_, 0);
}

AlertSound::~AlertSound() {
    if (device_) SDL_CloseAudioDevice(device_);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

std::vector<int16_t> AlertSound::chime(Kind kind, int sample_rate) {
    // A call: E5 then C5, the "ding-dong" people know from doorbells. Escalation: A5 three times,
    // louder, so it stands out from an ordinary call.
    struct Note {
        double hz, seconds, volume;
    };
    std::vector<Note> notes =
        kind == Kind::call
            ? std::vector<Note>{{659.3, 0.35, 0.45}, {523.3, 0.55, 0.45}}
            : std::vector<Note>{
                  {880.0, 0.2, 0.8}, {0, 0.08, 0}, {880.0, 0.2, 0.8}, {0, 0.08, 0}, {880.0, 0.3, 0.8}};
    std::vector<int16_t> samples;
    for (const Note& note : notes) {
        int count = static_cast<int>(note.seconds * sample_rate);
        for (int i = 0; i < count; ++i) {
            double t = double(i) / sample_rate;
            double envelope =
                std::min(1.0, t / 0.01) * std::exp(-3.0 * t / note.seconds);  // soft attack, decay
            double value = note.volume * envelope * std::sin(2 * M_PI * note.hz * t);
            samples.push_back(static_cast<int16_t>(value * 32767));
        }
    }
    return samples;
}

void AlertSound::play(Kind kind) {
    ++played_;
    if (!device_) return;
    std::vector<int16_t> samples = chime(kind, sample_rate_);
    SDL_QueueAudio(device_, samples.data(), static_cast<Uint32>(samples.size() * sizeof(int16_t)));
}

}  // namespace station::console
