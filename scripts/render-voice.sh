#!/bin/sh
# Renders the lobby display's offline voice clips with espeak-ng and sox: the fixed phrases,
# letters A–Z and digits of each language, plus the chime. The display page joins clips at play
# time when the browser has no suitable local speech voice. Re-run after changing a phrase or
# adding a language; commit the output (renderer/static/voice/).
#
# Usage: scripts/render-voice.sh [lang ...]      (default: zh en yue)
# Needs: espeak-ng (voices cmn, en, yue) and sox with Ogg Vorbis support (Debian: sox, libsox-fmt-all).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/renderer/static/voice"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# clip NAME VOICE TEXT [SPEED]: one phrase, silence trimmed at both ends, 16 kHz mono Ogg Vorbis.
clip() {
  dir="$OUT/$LANG_DIR"
  mkdir -p "$dir"
  espeak-ng -v "$2" -s "${4:-150}" -w "$TMP/raw.wav" "$3"
  sox "$TMP/raw.wav" -r 16000 -c 1 "$TMP/trim.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse norm -1 pad 0 0.04
  sox "$TMP/trim.wav" -C 2 "$dir/$1.ogg"
}

letters_and_digits() {
  voice=$1
  for l in A B C D E F G H I J K L M N O P Q R S T U V W X Y Z; do clip "$l" "$voice" "$l"; done
}

render_zh() {
  LANG_DIR=zh
  letters_and_digits cmn
  i=0
  for d in 零 一 二 三 四 五 六 七 八 九; do clip "$i" cmn "$d"; i=$((i + 1)); done
  clip ten cmn 十
  clip please cmn 请
  clip number cmn 号
  clip to cmn 到
  clip counter cmn 号窗口
  clip handle cmn 办理
}

render_yue() {
  LANG_DIR=yue
  letters_and_digits yue
  i=0
  for d in 零 一 二 三 四 五 六 七 八 九; do clip "$i" yue "$d"; i=$((i + 1)); done
  clip ten yue 十
  clip please yue 請
  clip number yue 號
  clip to yue 到
  clip counter yue 號窗口
  clip handle yue 辦理
}

render_en() {
  LANG_DIR=en
  letters_and_digits en
  i=0
  for w in zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen \
    fifteen sixteen seventeen eighteen nineteen; do
    clip "$i" en "$w"
    i=$((i + 1))
  done
  for t in 20:twenty 30:thirty 40:forty 50:fifty 60:sixty 70:seventy 80:eighty 90:ninety; do
    clip "${t%%:*}" en "${t#*:}"
  done
  clip number en "Number"
  clip please-go-to en "please go to"
  clip counter en "counter"
}

# The chime: a two-tone "ding-dong" (E6 then C6) with a soft decay, 16 kHz mono WAV.
chime() {
  mkdir -p "$OUT"
  sox -n -r 16000 -c 1 "$TMP/ding.wav" synth 0.55 sine 1318.5 fade q 0.005 0.55 0.45 vol 0.5
  sox -n -r 16000 -c 1 "$TMP/dong.wav" synth 0.8 sine 1046.5 fade q 0.005 0.8 0.7 vol 0.5
  sox "$TMP/ding.wav" "$TMP/dong.wav" -b 16 "$OUT/chime.wav" pad 0 0.15
}

if [ $# -eq 0 ]; then set -- zh en yue; fi
chime
for lang in "$@"; do
  case "$lang" in
    zh) render_zh ;;
    en) render_en ;;
    yue) render_yue ;;
    *) echo "render-voice: no phrase set for language \"$lang\" (add a render_$lang function)" >&2; exit 2 ;;
  esac
done
echo "voice clips written to renderer/static/voice/"
