using QdrantSchema.Migrations;

namespace QdrantSchema.Tests.TestMigrations;

/// <summary>A migration whose Up and Down are given by the test.</summary>
internal abstract class DelegateMigration(Action<MigrationBuilder> up, Action<MigrationBuilder>? down = null) : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => up(migration);

    protected internal override void Down(MigrationBuilder migration)
    {
        if (down is null)
        {
            base.Down(migration);
        }
        else
        {
            down(migration);
        }
    }
}

[Migration("20260101000000_First", Family = "t")]
internal sealed class First(Action<MigrationBuilder> up, Action<MigrationBuilder>? down = null) : DelegateMigration(up, down);

[Migration("20260102000000_Second", Family = "t")]
internal sealed class Second(Action<MigrationBuilder> up, Action<MigrationBuilder>? down = null) : DelegateMigration(up, down);

[Migration("20260103000000_Third", Family = "t")]
internal sealed class Third(Action<MigrationBuilder> up, Action<MigrationBuilder>? down = null) : DelegateMigration(up, down);

[Migration("20261125110000_CreateMemories", Family = "memories")]
internal sealed class CreateMemoriesDelegate(Action<MigrationBuilder> up, Action<MigrationBuilder>? down = null) : DelegateMigration(up, down);

[Migration("20260101000000_First", Family = "t")]
internal sealed class FirstDuplicate(Action<MigrationBuilder> up) : DelegateMigration(up);

[Migration("20261125120000_AddIndexes", Family = "memories")]
internal sealed class AddIndexesDelegate(Action<MigrationBuilder> up, Action<MigrationBuilder>? down = null) : DelegateMigration(up, down);

[Migration("20260101000000_Other", Family = "other")]
internal sealed class OtherFamily(Action<MigrationBuilder> up) : DelegateMigration(up);

internal sealed class NoAttribute(Action<MigrationBuilder> up) : DelegateMigration(up);

[Migration("2026-01-01_Bad", Family = "t")]
internal sealed class MalformedId(Action<MigrationBuilder> up) : DelegateMigration(up);

[Migration("20261345000000_BadDate", Family = "t")]
internal sealed class InvalidDate(Action<MigrationBuilder> up) : DelegateMigration(up);

[Migration("20260101000000_BadFamily", Family = "a/b")]
internal sealed class InvalidFamily(Action<MigrationBuilder> up) : DelegateMigration(up);

[Migration("20260101000000_AddHNSWConfigToMemories_v2")]
internal sealed class DefaultFamilyMigration(Action<MigrationBuilder> up) : DelegateMigration(up);
