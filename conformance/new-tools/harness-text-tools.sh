#!/bin/bash
# Runs one BusyBox or Toybox test script with the suites' helpers replaced by recorders: each "testing" call is
# written to $OUT/NNN/ (its five arguments, echo -ne'd where the suite echoes them, and a copy of the working
# directory), then run with the host's tools so that the script's later setup sees the state the suite expects.
# Usage: harness-text-tools.sh SUITE TOOL SCRIPT OUT   (run inside an empty scratch directory)
SUITE=$1 CMDNAME=$2 SCRIPT=$3 OUT=$4
C=$CMDNAME
export C CMDNAME
N=0 SKIP=0 TOYONLY=0 OPTIONAL=""
mkdir -p "$OUT"

optional() { OPTIONAL="$*"; }
skipnot() { eval "$@" >/dev/null 2>&1 || echo "skipnot: $*" > "$OUT/.skipnot"; }
toyonly() { TOYONLY=1; "$@"; TOYONLY=0; }
utf8locale() { LC_ALL=C.UTF-8; export LC_ALL; }
txpect() { N=$((N + 1)); d=$(printf '%s/%03d' "$OUT" $N); mkdir -p "$d"; printf '%s' "$1" > "$d/name"; echo txpect > "$d/txpect"; echo "${BASH_LINENO[0]}" > "$d/line"; }

testing()
{
  N=$((N + 1))
  local d
  d=$(printf '%s/%03d' "$OUT" $N)
  mkdir -p "$d"
  printf '%s' "$1" > "$d/name"
  printf '%s' "$2" > "$d/command"
  printf '%s' "$3" > "$d/result_raw"
  printf '%s' "$4" > "$d/input_raw"
  printf '%s' "$5" > "$d/stdin_raw"
  echo -ne "$3" > "$d/expected"
  echo -ne "$4" > "$d/input"
  echo -ne "$5" > "$d/stdin"
  local i
  for ((i = 0; i < ${#BASH_SOURCE[@]} - 1; i++)); do
    [ "${BASH_SOURCE[i+1]}" = "$SCRIPT" ] && { echo "${BASH_LINENO[i]}" > "$d/line"; break; }
  done
  echo "$TOYONLY" > "$d/toyonly"
  printf '%s' "$OPTIONAL" > "$d/optional"
  [ -f "$OUT/.skipnot" ] && mv "$OUT/.skipnot" "$d/skipnot"
  # The suites' input file: Toybox writes it only when not empty, BusyBox always.
  if [ "$SUITE" = busybox ] || [ -n "$4" ]; then echo -ne "$4" > input; else rm -f input; fi
  mkdir -p "$d/tree"
  cp -a . "$d/tree/" 2>/dev/null
  echo -ne "$5" | timeout 10 bash -c "$2" >/dev/null 2>&1
  rm -f input
  return 0
}

testcmd() { testing "${1:-$CMDNAME $2}" "\"$C\" $2" "$3" "$4" "$5"; }

. "$SCRIPT"
