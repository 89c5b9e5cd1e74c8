# Command substitution, $(...) and backquotes, nested, with trailing newlines removed, across nodes.
a=$(echo hello)
b=`echo world`
echo "$a $b"
echo "$(echo "$(echo nested "$(echo deeper)")")"
echo `echo back \`echo quoted\``
n=$(printf 'x\n\n\n'); echo "[$n]"
lines=$(seq 1 5 | onnode 2 wc -l); echo "lines=$lines"
echo "$(onnode 3 echo from three) and $(onnode 2 echo from two)"
x=$(exit 7); echo "status $?"
echo $(echo a; echo b) "$(echo c; echo d)"
echo "$(case x in x) echo case-in-subst;; esac)"
