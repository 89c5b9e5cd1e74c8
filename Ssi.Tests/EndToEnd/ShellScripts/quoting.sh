# Quoting: single, double and backslash, nested in each other and in expansions.
x='a  b'
echo 'single $x "q"'
echo "double $x 'q' \$x \\ \` done"
echo back\ slash\$x \"q\"
echo "$x" $x "${x}"'!'
echo "nested $(echo "inner $x")"
echo 'it'\''s' "it's" it\'s
printf '%s|' "" '' a"b"'c'; echo
echo "line
break"
y="*"; echo "$y" '*'
