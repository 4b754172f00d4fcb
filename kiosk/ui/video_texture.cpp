#include "kiosk/ui/video_texture.h"

#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

namespace station::ui {

VideoTexture::VideoTexture(SDL_Renderer* renderer, std::string who)
    : renderer_(renderer), who_(std::move(who)) {}

VideoTexture::~VideoTexture() {
    for (auto& [id, slot] : slots_) {
        if (slot.lent) SDL_UnlockTexture(slot.texture);
        SDL_DestroyTexture(slot.texture);
    }
}

SDL_Texture* VideoTexture::texture() const {
    auto found = slots_.find(shown_);
    return found == slots_.end() ? nullptr : found->second.texture;
}

int VideoTexture::width() const {
    auto found = slots_.find(shown_);
    return found == slots_.end() ? 0 : found->second.width;
}

int VideoTexture::height() const {
    auto found = slots_.find(shown_);
    return found == slots_.end() ? 0 : found->second.height;
}

int VideoTexture::make_slot(int width, int height, Uint32 format) {
    SDL_Texture* texture = SDL_CreateTexture(renderer_, format, SDL_TEXTUREACCESS_STREAMING, width, height);
    if (!texture) {
        spdlog::error("{}: cannot create a {}x{} video texture: {}", who_, width, height, SDL_GetError());
        return -1;
    }
    int id = next_id_++;
    slots_[id] = Slot{texture, width, height, format};
    return id;
}

void VideoTexture::destroy(int id) {
    auto found = slots_.find(id);
    if (found == slots_.end()) return;
    if (found->second.lent) SDL_UnlockTexture(found->second.texture);
    SDL_DestroyTexture(found->second.texture);
    slots_.erase(found);
    if (shown_ == id) shown_ = -1;
}

// Locked on this thread; the player only ever sees the pixel pointer and pitch.
void VideoTexture::lend(content::VideoPlayer& player, int id) {
    Slot& slot = slots_.at(id);
    void* pixels = nullptr;
    int pitch = 0;
    if (SDL_LockTexture(slot.texture, nullptr, &pixels, &pitch) != 0) return;  // frames get copied
    slot.lent = true;
    content::FrameTarget target;
    target.id = id;
    target.pixels = static_cast<std::uint8_t*>(pixels);
    target.pitch = pitch;
    target.width = slot.width;
    target.height = slot.height;
    player.lend_target(target);
}

void VideoTexture::take_back(content::VideoPlayer& player) {
    if (!retired_) return;
    for (int id : player.take_back_targets()) {
        auto found = slots_.find(id);
        if (found == slots_.end()) continue;
        if (found->second.retired) {
            destroy(id);
        } else if (found->second.lent) {
            // Still of the current size: lent again at the end of update().
            found->second.lent = false;
            SDL_UnlockTexture(found->second.texture);
        }
    }
    retired_ = false;
    for (const auto& [id, slot] : slots_)
        if (slot.retired) retired_ = true;
}

void VideoTexture::copy(const content::VideoFrame& frame) {
    bool rgb = frame.pixels == content::VideoPixels::xrgb32;
    Uint32 format = rgb ? SDL_PIXELFORMAT_RGB888 : SDL_PIXELFORMAT_IYUV;
    auto shown = slots_.find(shown_);
    if (shown == slots_.end() || shown->second.width != frame.width || shown->second.height != frame.height ||
        shown->second.format != format) {
        // A new size or format: the old textures go, those the player holds once it gives them back.
        std::vector<int> old;
        for (const auto& [id, slot] : slots_) old.push_back(id);
        for (int id : old) {
            Slot& slot = slots_.at(id);
            if (slot.lent) {
                slot.retired = true;
                retired_ = true;
            } else {
                destroy(id);
            }
        }
        shown_ = make_slot(frame.width, frame.height, format);
        if (shown_ < 0) return;
        // Two more, lent after this frame (update): libvlc may lock the next picture before the UI
        // took the last one, and then still finds one to write into.
        if (rgb) {
            make_slot(frame.width, frame.height, format);
            make_slot(frame.width, frame.height, format);
        }
    }
    Slot& slot = slots_.at(shown_);
    if (rgb)
        SDL_UpdateTexture(slot.texture, nullptr, frame.plane[0], frame.pitch[0]);
    else
        // I420 planes straight into the IYUV texture: the GPU converts, not our code.
        SDL_UpdateYUVTexture(slot.texture, nullptr, frame.plane[0], frame.pitch[0], frame.plane[1],
                             frame.pitch[1], frame.plane[2], frame.pitch[2]);
    ++copied_;
}

bool VideoTexture::update(content::VideoPlayer& player) {
    take_back(player);
    bool changed = player.take_frame([&](const content::VideoFrame& frame) {
        auto lent = slots_.find(frame.target);
        if (frame.target >= 0 && lent != slots_.end() && lent->second.lent) {
            // libvlc wrote this frame into the texture itself: it becomes the shown one.
            lent->second.lent = false;
            SDL_UnlockTexture(lent->second.texture);
            if (!lent->second.retired) {
                shown_ = frame.target;
                ++in_place_;
                return;
            }
            copy(frame);  // a texture of an old size: the frame is copied, the texture goes
            destroy(frame.target);
            return;
        }
        copy(frame);
    });
    // Every RGB888 texture not shown and not lent is lent, so the next frame needs no copy.
    std::vector<int> idle;
    for (const auto& [id, slot] : slots_)
        if (id != shown_ && !slot.lent && !slot.retired && slot.format == SDL_PIXELFORMAT_RGB888)
            idle.push_back(id);
    for (int id : idle) lend(player, id);
    return changed;
}

}  // namespace station::ui
