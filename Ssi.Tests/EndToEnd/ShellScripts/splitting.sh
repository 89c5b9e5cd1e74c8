# Field splitting by IFS: whitespace collapses, other separators delimit, quotes protect.
v='  a  b   c  '
set -- $v; echo $#
set -- "$v"; echo $#
IFS=:; w='x::y:z:'; set -- $w; echo $#; for f in "$@"; do echo "[$f]"; done
IFS=': '; w=' a : b :c'; set -- $w; echo $#; printf '<%s>' "$@"; echo
IFS=; set -- $v; echo $#
unset IFS; set -- $v; echo $#
e=''; set -- $e; echo $#
set -- "$e"; echo $#
set -- a$e b; echo $#
IFS=,; csv='1,2,,4'; for f in $csv; do printf '(%s)' "$f"; done; echo
