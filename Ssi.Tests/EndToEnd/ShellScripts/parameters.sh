# Parameters and every expansion form of the issue: defaults, assignment, errors, alternatives, lengths, strips.
set -- one "two words" three
echo "$#" "$1" "$2" "${3}"
for a in "$@"; do echo "[$a]"; done
for a in $*; do echo "<$a>"; done
echo "$*"
set -- 1 2 3 4 5 6 7 8 9 ten eleven
echo "$9 ${10} ${11}"
unset u; e=
echo "${u:-dflt} ${e:-dflt} ${e-set-but-empty}"
echo "${u:=assigned} $u"
echo "${e:+alt} ${u:+alt} ${u+also}"
( : "${never:?is not set}" ) 2>/dev/null; echo "status $?"
( : "${e:?is empty}" ) 2>/dev/null; echo "status $?"
p=/usr/local/lib/file.tar.gz
echo "${#p} ${p%.*} ${p%%.*} ${p#*/} ${p##*/}"
echo "${p%/*}" "${p#/usr}"
v=aXbXc; echo "${v%X*}" "${v%%X*}" "${v#*X}" "${v##*X}"
q='a*b'; echo "${q%'*b'}" "${q#"a*"}"
echo "$? $$" | sed 's/[0-9][0-9]*$/PID/'
sh -c 'echo "$0 $1 $#"' name arg1 arg2
