# Compound commands: subshells, groups, if/elif/else, while, until, for, case, break and continue with levels.
x=1; (x=2; echo "sub $x"); echo "outer $x"
{ x=3; }; echo "group $x"
for n in 1 2 3 4; do
  if [ $n -eq 1 ]; then echo one; elif [ $n -eq 2 ]; then echo two; else echo "many $n"; fi
done
i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo "while $i"; done
i=0; until [ $i -ge 2 ]; do i=$((i+1)); echo "until $i"; done
for a in x y z; do for b in 1 2 3; do
  [ $b = 2 ] && continue; [ $a = y ] && continue 2; [ $a = z ] && break 2; echo "$a$b"
done; done
for w in apple banana cherry 42 ''; do
  case $w in
    a*|b*) echo "fruit-ab $w";;
    [0-9]*) echo "number $w";;
    '') echo empty;;
    *) echo "other $w";;
  esac
done
case "a b" in "a b") echo quoted-case;; esac
if false; then :; fi; echo "if status $?"
while false; do :; done; echo "while status $?"
for e in; do echo never; done; echo "for status $?"
