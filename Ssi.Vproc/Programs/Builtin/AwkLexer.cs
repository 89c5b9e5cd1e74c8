// awk's tokens: the whole program text cut up once, with "/" read as a regex where an operand may start.
using System.Globalization;
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

public enum AwkTok
{
    Newline,
    Semicolon,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Number,
    String,
    Regex,
    Name,
    /// <summary>A name followed at once by "(": a call of a user function.</summary>
    FuncName,
    Builtin,
    Keyword,
    Op,
    End,
}

public sealed record AwkToken(AwkTok Kind, string Text, double Number, int Line);

/// <summary>Thrown for a bad program; the message is the whole complaint after "awk: ".</summary>
public sealed class AwkSyntaxException(string message) : Exception(message);

public static class AwkLexer
{
    public static readonly HashSet<string> Keywords =
        ["BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue", "next", "nextfile",
         "exit", "return", "delete", "getline", "print", "printf", "in"];

    public static readonly HashSet<string> Builtins =
        ["length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "sin", "cos", "atan2", "exp", "log",
         "sqrt", "int", "rand", "srand", "tolower", "toupper", "system", "close", "fflush"];

    // Three- and two-character operators first, so that the longest one wins.
    private static readonly string[] Operators =
        ["**=", "&&", "||", "==", "<=", ">=", "!=", "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "**", ">>", "!~",
         "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?", ":", "~", "$", "="];

    public static List<AwkToken> Tokens(string text)
    {
        var tokens = new List<AwkToken>();
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] == '\n') { i += 2; line++; continue; }
            if (c == '\\' && i + 2 < text.Length && text[i + 1] == '\r' && text[i + 2] == '\n') { i += 3; line++; continue; }
            if (c is ' ' or '\t' or '\r') { i++; continue; }
            if (c == '#')
            {
                while (i < text.Length && text[i] != '\n') i++;
                continue;
            }
            if (c == '\n') { tokens.Add(new(AwkTok.Newline, "\n", 0, line++)); i++; continue; }
            var simple = c switch
            {
                ';' => AwkTok.Semicolon, '{' => AwkTok.LBrace, '}' => AwkTok.RBrace, '(' => AwkTok.LParen,
                ')' => AwkTok.RParen, '[' => AwkTok.LBracket, ']' => AwkTok.RBracket, ',' => AwkTok.Comma, _ => AwkTok.End,
            };
            if (simple != AwkTok.End) { tokens.Add(new(simple, c.ToString(), 0, line)); i++; continue; }
            if (c == '"')
            {
                var (s, end) = StringBody(text, i + 1, line);
                tokens.Add(new(AwkTok.String, s, 0, line));
                i = end;
                continue;
            }
            if (c == '/' && RegexMayStart(tokens))
            {
                var s = new StringBuilder();
                var j = i + 1;
                var inBracket = false;
                while (true)
                {
                    if (j >= text.Length || text[j] == '\n') throw new AwkSyntaxException($"line {line}: runaway regular expression /{s} ...");
                    var d = text[j];
                    if (d == '\\' && j + 1 < text.Length)
                    {
                        // \/ is a slash; other escapes are the regex's.
                        if (text[j + 1] == '/') s.Append('/');
                        else s.Append(d).Append(text[j + 1]);
                        j += 2;
                        continue;
                    }
                    if (d == '[' && !inBracket) { inBracket = true; s.Append(d); j++; if (j < text.Length && text[j] == '^') s.Append(text[j++]); if (j < text.Length && text[j] == ']') s.Append(text[j++]); continue; }
                    if (d == ']' && inBracket) inBracket = false;
                    if (d == '/' && !inBracket) break;
                    s.Append(d);
                    j++;
                }
                tokens.Add(new(AwkTok.Regex, s.ToString(), 0, line));
                i = j + 1;
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var j = i;
                while (j < text.Length && char.IsAsciiDigit(text[j])) j++;
                if (j < text.Length && text[j] == '.') { j++; while (j < text.Length && char.IsAsciiDigit(text[j])) j++; }
                if (j < text.Length && text[j] is 'e' or 'E')
                {
                    var k = j + 1;
                    if (k < text.Length && text[k] is '+' or '-') k++;
                    if (k < text.Length && char.IsAsciiDigit(text[k]))
                    {
                        while (k < text.Length && char.IsAsciiDigit(text[k])) k++;
                        j = k;
                    }
                }
                var number = double.Parse(text.AsSpan(i, j - i), NumberStyles.Float, CultureInfo.InvariantCulture);
                tokens.Add(new(AwkTok.Number, text[i..j], number, line));
                i = j;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var j = i;
                while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_')) j++;
                var word = text[i..j];
                var kind = Keywords.Contains(word) ? AwkTok.Keyword
                    : Builtins.Contains(word) ? AwkTok.Builtin
                    : j < text.Length && text[j] == '(' ? AwkTok.FuncName : AwkTok.Name;
                tokens.Add(new(kind, word == "func" ? "function" : word, 0, line));
                i = j;
                continue;
            }
            var op = Array.Find(Operators, o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0);
            if (op is null) throw new AwkSyntaxException($"line {line}: syntax error at or near {c}");
            tokens.Add(new(AwkTok.Op, op == "**" ? "^" : op == "**=" ? "^=" : op, 0, line));
            i += op.Length;
        }
        tokens.Add(new(AwkTok.End, "end of file", 0, line));
        return tokens;
    }

    // A "/" starts a regex unless it follows something that ends an operand (then it divides).
    private static bool RegexMayStart(List<AwkToken> tokens)
    {
        if (tokens.Count == 0) return true;
        var last = tokens[^1];
        return last.Kind switch
        {
            AwkTok.Number or AwkTok.String or AwkTok.Regex or AwkTok.Name or AwkTok.RParen or AwkTok.RBracket or AwkTok.Builtin => false,
            AwkTok.Keyword => last.Text != "getline",
            AwkTok.Op => last.Text is not ("++" or "--" or "$"),
            _ => true,
        };
    }

    private static (string Text, int End) StringBody(string text, int i, int line)
    {
        var s = new StringBuilder();
        while (true)
        {
            if (i >= text.Length || text[i] == '\n') throw new AwkSyntaxException($"line {line}: runaway string constant \"{s} ...");
            var c = text[i];
            if (c == '"') return (s.ToString(), i + 1);
            if (c == '\\' && i + 1 < text.Length)
            {
                if (text[i + 1] == '\n') { i += 2; continue; }
                i = Escape(text, i + 1, s);
                continue;
            }
            s.Append(c);
            i++;
        }
    }

    /// <summary>
    /// The escape after a backslash at <paramref name="i"/> into <paramref name="s"/>: \" \\ \/ \a \b \f \n \r \t \v,
    /// \ooo, \xhh; any other \c keeps its backslash, as mawk does. Returns where the text goes on.
    /// </summary>
    public static int Escape(string text, int i, StringBuilder s)
    {
        var c = text[i];
        switch (c)
        {
            case '"': s.Append('"'); return i + 1;
            case '\\': s.Append('\\'); return i + 1;
            case '/': s.Append('/'); return i + 1;
            case 'a': s.Append('\a'); return i + 1;
            case 'b': s.Append('\b'); return i + 1;
            case 'f': s.Append('\f'); return i + 1;
            case 'n': s.Append('\n'); return i + 1;
            case 'r': s.Append('\r'); return i + 1;
            case 't': s.Append('\t'); return i + 1;
            case 'v': s.Append('\v'); return i + 1;
        }
        if (c == 'x' && i + 1 < text.Length && char.IsAsciiHexDigit(text[i + 1]))
        {
            var v = 0;
            var j = i + 1;
            while (j < text.Length && j < i + 3 && char.IsAsciiHexDigit(text[j])) v = v * 16 + Convert.ToInt32(text[j++].ToString(), 16);
            s.Append((char)v);
            return j;
        }
        if (c is >= '0' and <= '7')
        {
            var v = 0;
            var j = i;
            while (j < text.Length && j < i + 3 && text[j] is >= '0' and <= '7') v = v * 8 + (text[j++] - '0');
            s.Append((char)v);
            return j;
        }
        // mawk keeps the backslash of an escape it does not know ("\q" is \q).
        s.Append('\\').Append(c);
        return i + 1;
    }

    /// <summary>The escapes of a -v or command-line assignment's value, as in a string constant.</summary>
    public static string Unescape(string value)
    {
        var s = new StringBuilder();
        for (var i = 0; i < value.Length;)
        {
            if (value[i] == '\\' && i + 1 < value.Length) i = Escape(value, i + 1, s);
            else s.Append(value[i++]);
        }
        return s.ToString();
    }
}
