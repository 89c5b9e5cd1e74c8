// The compound commands of the shell's grammar: if, for and case.
using System.Collections.Immutable;
using System.Text;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellParser
{
    private Command ParseIf()
    {
        Take();
        var branches = ImmutableArray.CreateBuilder<(Command, Command)>();
        Command? otherwise = null;
        while (true)
        {
            var condition = ParseCompoundList("then");
            Expect("then");
            var body = ParseCompoundList("elif", "else", "fi");
            branches.Add((condition, body));
            var t = Take();
            if (t.Text == "elif") continue;
            if (t.Text == "else")
            {
                otherwise = ParseCompoundList("fi");
                Expect("fi");
            }
            break;
        }
        return new IfClause(branches.ToImmutable(), otherwise);
    }

    private Command ParseFor()
    {
        Take();
        var name = Take();
        if (name.Kind != Kind.Word || !IsName(name.Text)) throw new ShellSyntaxError($"Bad for loop variable");
        ImmutableArray<string>? words = null;
        SkipNewlines();
        if (IsWord(Peek(), "in"))
        {
            Take();
            var list = ImmutableArray.CreateBuilder<string>();
            while (Peek().Kind == Kind.Word) list.Add(Take().Text);
            words = list.ToImmutable();
            var t = Peek();
            if (IsOp(t, ";") || t.Kind == Kind.Newline) Take();
            else throw Unexpected(t);
        }
        else if (IsOp(Peek(), ";")) Take();
        SkipNewlines();
        Expect("do");
        return new ForClause(name.Text, words, ParseBody());
    }

    private Command ParseCase()
    {
        Take();
        var word = Take();
        if (word.Kind != Kind.Word) throw Unexpected(word);
        SkipNewlines();
        Expect("in");
        var items = ImmutableArray.CreateBuilder<CaseItem>();
        while (true)
        {
            SkipNewlines();
            if (IsWord(Peek(), "esac"))
            {
                Take();
                break;
            }
            if (IsOp(Peek(), "(")) Take();
            var patterns = ImmutableArray.CreateBuilder<string>();
            while (true)
            {
                var p = Take();
                if (p.Kind != Kind.Word) throw Unexpected(p);
                patterns.Add(p.Text);
                if (IsOp(Peek(), "|"))
                {
                    Take();
                    continue;
                }
                break;
            }
            var close = Take();
            if (!IsOp(close, ")")) throw Unexpected(close);
            SkipNewlines();
            Command? body = null;
            if (!IsOp(Peek(), ";;") && !IsWord(Peek(), "esac")) body = ParseCompoundList(";;", "esac");
            items.Add(new CaseItem(patterns.ToImmutable(), body));
            if (IsOp(Peek(), ";;"))
            {
                Take();
                continue;
            }
            Expect("esac");
            break;
        }
        return new CaseClause(word.Text, items.ToImmutable());
    }
}
