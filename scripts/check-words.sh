#!/usr/bin/env bash
# Fails when user-facing files (docs, examples, headers, tests, build scripts) speak of things a
# user who clones lamina cannot resolve: tracker items, work sessions, planning notes outside
# the repository, or paths of the machines lamina was developed on.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='\b(issue|ticket) #?[0-9]+|\bthe issue'"'"'s\b|\bsessions? [0-9]+|\b(previous|this|last|next) session\b|\.\./shared/|/work/(shared|main|torchenv)'
if git grep -nIiE "$pattern" -- . ':!scripts/check-words.sh' ':!data/**/LICENSE*'; then
  echo "check-words: the lines above refer to something outside the repository; say what they mean instead" >&2
  exit 1
fi
echo "check-words: clean"
