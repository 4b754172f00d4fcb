// The console's alert sound through SDL audio: a two-note chime when a help call comes, three
// louder, higher notes when one escalates or re-alerts (nurse-call practice: the sound climbs with
// the ladder). The tones are synthesised, so no media file ships. Silencing is the console's
// business; it never clears a call.
//
// Threads: UI thread only (SDL audio is opened and fed there).
#pragma once
#include <SDL.h>

#include <cstdint>
#include <vector>

namespace station::console {

class AlertSound {
public:
    AlertSound();  // opens the default output; without one the console stays silent (logged once)
    ~AlertSound();
    enum class Kind { call, escalation };
    void play(Kind kind);  // queues the chime; a chime already playing finishes first
    bool available() const { return device_ != 0; }
    int played() const { return played_; }                          // chimes queued so far (tests, bench)
    static std::vector<int16_t> chime(Kind kind, int sample_rate);  // mono S16 samples

private:
    SDL_AudioDeviceID device_ = 0;
    int sample_rate_ = 22050;
    int played_ = 0;
};

}  // namespace station::console
