#!/usr/bin/env bash
# Generates the kiosk's fixed voice prompts: one WAV per line of a prompts file
# (key<TAB>espeak-ng voice<TAB>text), written as OUT_DIR/<key>.wav.
# Usage: make_voice_clips.sh PROMPTS_TSV OUT_DIR
set -euo pipefail
prompts=$1
out=$2
command -v espeak-ng >/dev/null || { echo "make_voice_clips: espeak-ng is not installed (scripts/debian-packages.txt)" >&2; exit 1; }
mkdir -p "$out"
line_number=0
while IFS=$'\t' read -r key voice text; do
  line_number=$((line_number + 1))
  case "$key" in ''|'#'*) continue ;; esac
  if [ -z "$voice" ] || [ -z "$text" ]; then
    echo "make_voice_clips: $prompts:$line_number: expected key<TAB>voice<TAB>text" >&2
    exit 1
  fi
  espeak-ng -v "$voice" -s 150 -w "$out/$key.wav.tmp" "$text"
  mv "$out/$key.wav.tmp" "$out/$key.wav"
done < "$prompts"
