# Pipelines across nodes, their statuses, negation, and lists with && || ; &.
echo abc | tr a-z A-Z
seq 1 20000 | onnode 2 sort -rn | onnode 3 head -3
onnode 2 cat /etc/passwd | onnode 3 grep -c root
false | true; echo "last stage $?"
true | false; echo "last stage $?"
! false; echo "negated $?"
! true | true; echo "negated pipe $?"
true && echo and-ran; false && echo not-printed; false || echo or-ran
true || echo not-printed; echo after
false; echo "semicolon $?"
{ echo grouped; echo twice; } | wc -l
seq 1 3 | while read n; do echo "n=$n"; done
x=outer; echo piped | { read x; echo "inside $x"; }; echo "outside $x"
yes | head -2
fast echo placed by fast | onnode 3 cat
