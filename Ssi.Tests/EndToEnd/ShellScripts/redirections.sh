# Redirections: <, >, >>, 2>&1, >&, <>, n>file, >| and noclobber, on builtins, compounds and programs.
echo first > out.txt
echo second >> out.txt
cat < out.txt
{ echo to-stderr >&2; } 2>&1
{ echo a; echo b >&2; } > both.txt 2>&1; cat both.txt
echo fd3 3>three.txt >&3; cat three.txt
exec 4>four.txt; echo via-four >&4; exec 4>&-; cat four.txt
echo rw <> rw.txt; cat rw.txt
set -C; ( echo clobber > out.txt ) 2>/dev/null; echo "noclobber status $?"; echo forced >| out.txt; set +C; cat out.txt
while read -r line; do echo "read: $line"; done < both.txt
if true; then echo in-if; fi > iffile.txt; cat iffile.txt
cat nosuchfile 2>/dev/null; echo "status $?"
( echo sub >&2 ) 2> err.txt; cat err.txt
exec 5<out.txt; read -r l <&5; echo "fd5: $l"; exec 5<&-
