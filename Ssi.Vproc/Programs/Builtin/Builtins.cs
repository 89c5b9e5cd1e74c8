// The programs every root image has in /bin.
using System.Collections.Immutable;

namespace Ssi.Vproc.Programs.Builtin;

public static class Builtins
{
    public static readonly ImmutableDictionary<string, Func<Program>> All = new Dictionary<string, Func<Program>>
    {
        ["true"] = () => new True(),
        ["false"] = () => new False(),
        ["echo"] = () => new Echo(),
        ["sleep"] = () => new Sleep(),
        ["cat"] = () => new Cat(),
        ["dbdemo"] = () => new Dbdemo(),
        ["burn"] = () => new Burn(),
        ["yes"] = () => new Yes(),
        ["wc"] = () => new Wc(),
        ["head"] = () => new Head(),
        ["tail"] = () => new Tail(),
        ["grep"] = () => new Grep(),
        ["sort"] = () => new Sort(),
        ["tee"] = () => new Tee(),
        ["ls"] = () => new Ls(),
        ["mkdir"] = () => new Mkdir(),
        ["mknod"] = () => new Mknod(),
        ["mkfifo"] = () => new Mkfifo(),
        ["ln"] = () => new Ln(),
        ["chmod"] = () => new ChangeMode(),
        ["rm"] = () => new Rm(),
        ["cp"] = () => new Cp(),
        ["mv"] = () => new Mv(),
        ["ps"] = () => new Ps(),
        ["kill"] = () => new Kill(),
        ["where_pid"] = () => new WherePid(),
        ["onnode"] = () => new Onnode(),
        ["printf"] = () => new Printf(),
        ["test"] = () => new Test(),
        ["["] = () => new Test(),
        ["env"] = () => new Env(),
        ["basename"] = () => new Basename(),
        ["dirname"] = () => new Dirname(),
        ["seq"] = () => new Seq(),
        ["cut"] = () => new Cut(),
        ["tr"] = () => new Tr(),
        ["uniq"] = () => new Uniq(),
        ["tac"] = () => new Tac(),
        ["rev"] = () => new Rev(),
        ["nl"] = () => new Nl(),
        ["cmp"] = () => new Cmp(),
        ["comm"] = () => new Comm(),
        ["md5sum"] = () => new Md5sum(),
        ["sha256sum"] = () => new Sha256sum(),
        ["hostname"] = () => new Hostname(),
        ["uname"] = () => new Uname(),
        ["date"] = () => new Date(),
        ["stat"] = () => new StatFile(),
        ["touch"] = () => new Touch(),
        ["sed"] = () => new Sed(),
        ["find"] = () => new Find(),
        ["xargs"] = () => new Xargs(),
        ["od"] = () => new Od(),
        ["diff"] = () => new Diff(),
        ["stty"] = () => new Stty(),
        ["tty"] = () => new Tty(),
    }.ToImmutableDictionary();

    public static ProgramCatalog Catalog() => new(All);
}
