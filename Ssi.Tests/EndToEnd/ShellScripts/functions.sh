# Functions: own positional parameters, return statuses, recursion, and redirections on a definition.
greet() { echo "hello $1 ($#)"; return 3; }
greet world extra; echo "returned $?"
echo "outside $# ${1-unset}"
set -- a b
show() { echo "in: $*"; shift; echo "shifted: $*"; }
show x y z; echo "after: $*"
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }
fact 10
counter=0; inc() { counter=$((counter+1)); }; inc; inc; echo "counter $counter"
logged() { echo "to file"; } > fn.txt; logged; cat fn.txt
early() { for i in 1 2 3; do [ $i = 2 ] && return $i; echo "i=$i"; done; }; early; echo "early $?"
nested() { inner() { echo inner-defined; }; inner; }; nested; inner
