// Voice: fixed prompts spoken from audio clips (DESIGN.md, Voice). Clips are looked up by key in
// an ordered list of folders: the station's own recordings (DATA/voice/<key>.wav, managed as
// content) first, then the built-in clips generated at build time (kiosk/voice/prompts.tsv).
//
// The audio device is opened only while speaking and closed when the last clip ends, so a
// silent kiosk has no audio thread waking it. Without an audio device the kiosk stays silent
// and says everything in words on the screen. UI thread only.
#pragma once
#include <SDL.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace station::ui {

struct HelpSnapshot;

class Voice {
public:
    explicit Voice(std::vector<std::filesystem::path> clip_dirs);
    ~Voice();

    // Speaks the clips for `keys` in order, replacing whatever is being said (or, with
    // after_current, queued behind it: a follow-up such as "号码单已打印"). Keys without a clip
    // are skipped (logged once). False when nothing could be played.
    enum class Mode { replace, after_current };
    bool say(const std::vector<std::string>& keys, Mode mode = Mode::replace);
    void tick();                                       // closes the device once the clips have played
    int64_t ms_until_done() const;                     // -1 when silent
    void set_volume(float volume);                     // 0..1, for this visitor
    void reset_volume() { volume_ = kDefaultVolume; }  // after each visitor
    float volume() const { return volume_; }
    const std::vector<std::string>& last_spoken() const { return last_spoken_; }  // keys played
    bool has_clip(const std::string& key);                                        // a clip exists and decodes

    static constexpr float kDefaultVolume = 0.8f;
    static constexpr int kRate = 22050;  // the clips' rate; others are converted to it

private:
    const std::vector<int16_t>* clip(const std::string& key);  // mono S16 at kRate; null if none
    void close_device();

    std::vector<std::filesystem::path> clip_dirs_;
    std::map<std::string, std::vector<int16_t>> cache_;  // decoded clips by key
    std::map<std::string, bool> missing_logged_;
    SDL_AudioDeviceID device_ = 0;
    bool audio_ready_ = false, audio_failed_ = false;
    float volume_ = kDefaultVolume;
    std::chrono::steady_clock::time_point done_at_{};
    std::vector<std::string> last_spoken_;
};

// The prompt for a help call's state: "已通知工作人员，请稍候，您的号码是 A 零 零 一", ...
std::vector<std::string> help_prompt(const HelpSnapshot& call);

// Built-in clip folder next to the binary (build/share/station/voice); "" when unknown.
std::filesystem::path builtin_voice_dir();

}  // namespace station::ui
