// VideoTexture: a content::VideoPlayer's frames as one SDL texture to draw. UI thread only; shared
// by SignageView and LessonPlayer.
//
//  - I420 frames (GPU renderers): into an IYUV texture; the GPU converts.
//  - xrgb32 frames (SDL's software renderer, VideoPlayer::set_rgb_output): three RGB888 streaming
//    textures. Those not shown are locked here and lent to the player (lend_target); libvlc
//    writes the next frame straight into one's pixels and take_frame hands it back, unlocked here,
//    as the shown one, and the one shown before is locked and lent in turn. (Two lent: libvlc may
//    lock its next picture before the UI took the last.) No SDL call happens on libvlc's
//    threads and the UI thread copies nothing. A frame in the player's own memory (an item's
//    first, a pre-roll's, one of a new size) is copied into the shown texture, as before.
//  - A new size: new textures; the old ones still lent are destroyed when the player gives them
//    back. The player must be destroyed before this (it may be writing into a lent texture).
#pragma once
#include <SDL.h>

#include <cstdint>
#include <map>
#include <string>

#include "content/player.h"

namespace station::ui {

class VideoTexture {
public:
    // `renderer` must outlive this; `who` names the owner in log lines ("signage", "lessons").
    VideoTexture(SDL_Renderer* renderer, std::string who);
    ~VideoTexture();
    VideoTexture(const VideoTexture&) = delete;
    VideoTexture& operator=(const VideoTexture&) = delete;

    // Takes the player's newest frame, if any: true when the picture changed.
    bool update(content::VideoPlayer& player);

    SDL_Texture* texture() const;  // the picture to draw; null before the first frame
    int width() const;
    int height() const;
    // Frames the UI thread copied (SDL_Update*Texture) and frames libvlc wrote in place.
    std::uint64_t frames_copied() const { return copied_; }
    std::uint64_t frames_in_place() const { return in_place_; }

private:
    struct Slot {
        SDL_Texture* texture = nullptr;
        int width = 0, height = 0;
        Uint32 format = 0;     // SDL_PIXELFORMAT_RGB888 or SDL_PIXELFORMAT_IYUV
        bool lent = false;     // locked, its pixels lent to the player
        bool retired = false;  // of an old size: destroyed when the player gives it back
    };
    void copy(const content::VideoFrame& frame);
    int make_slot(int width, int height, Uint32 format);  // -1: SDL could not
    void lend(content::VideoPlayer& player, int id);
    void destroy(int id);
    void take_back(content::VideoPlayer& player);  // retired slots the player gave back

    SDL_Renderer* renderer_;
    std::string who_;
    std::map<int, Slot> slots_;  // by id (the player's target id for RGB888 slots)
    int shown_ = -1;             // the slot with the last frame
    int next_id_ = 0;
    bool retired_ = false;  // some slot is retired
    std::uint64_t copied_ = 0, in_place_ = 0;
};

}  // namespace station::ui
