# Here-documents: expanding and literal, tab-stripping, several on one line, in loops and functions.
name=world
cat <<EOF
hello $name $(echo sub) $((1+1))
  \$escaped and \\ backslash
EOF
cat <<'EOF'
literal $name $(echo no)
EOF
cat <<-EOF
	tabs stripped $name
		inner tab
	EOF
cat <<A; cat <<B
first
A
second
B
f() { cat <<EOF
in function: $1
EOF
}
f arg
for i in 1 2; do cat <<EOF
loop $i
EOF
done
wc -l <<EOF
one
two
EOF
