using System.Security.Cryptography;
using System.Text;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Schema;

namespace QdrantSchema.Migrations;

/// <summary>
/// Everything the engine knows about one migration after validation: id, family, description, checksum, its Up
/// operations, its Down operations (or why it is irreversible), its classification, and the expected schema before
/// and after it.
/// </summary>
internal sealed class MigrationDescriptor
{
    /// <summary>Prefix of the checksummed text; bump it only together with a documented checksum migration.</summary>
    internal const string ChecksumVersion = "qdrant-schema/checksum/v1";

    private MigrationDescriptor(
        QdrantMigration migration,
        string id,
        string family,
        string description,
        IReadOnlyList<MigrationOperation> operations,
        string checksum,
        IReadOnlyList<MigrationOperation>? downOperations,
        bool hasExplicitDown,
        IReadOnlyList<string> irreversibleReasons,
        IReadOnlyList<string> downWarnings,
        CollectionSchema schemaBefore,
        CollectionSchema schemaAfter)
    {
        Migration = migration;
        Id = id;
        Family = family;
        Description = description;
        Operations = operations;
        Checksum = checksum;
        DownOperations = downOperations;
        HasExplicitDown = hasExplicitDown;
        IrreversibleReasons = irreversibleReasons;
        DownWarnings = downWarnings;
        SchemaBefore = schemaBefore;
        SchemaAfter = schemaAfter;
        Kind = operations.Count == 0 ? OperationKind.MetadataOnly : operations.Max(o => o.Kind);
    }

    public QdrantMigration Migration { get; }

    public Type MigrationType => Migration.GetType();

    public string Id { get; }

    public string Family { get; }

    public string Description { get; }

    /// <summary>SHA-256 (lower-case hex) of <see cref="ChecksumVersion"/> and the canonical text of the Up operations in order.</summary>
    public string Checksum { get; }

    public IReadOnlyList<MigrationOperation> Operations { get; }

    /// <summary>The operations that undo Up, or null when the migration is irreversible.</summary>
    public IReadOnlyList<MigrationOperation>? DownOperations { get; }

    public bool HasExplicitDown { get; }

    public bool IsReversible => DownOperations is not null;

    public IReadOnlyList<string> IrreversibleReasons { get; }

    /// <summary>What Down cannot restore (deleted data), for plans and confirmations.</summary>
    public IReadOnlyList<string> DownWarnings { get; }

    /// <summary>The heaviest operation kind of Up.</summary>
    public OperationKind Kind { get; }

    public bool HasDataSteps => Operations.Any(o => o.IsDataStep);

    /// <summary>Whether the migrator snapshots the collection before this migration (<see cref="QdrantMigration.SnapshotBeforeApply"/>).</summary>
    public bool SnapshotBeforeApply => Migration.SnapshotBeforeApply;

    public bool IsDestructive => Operations.Any(o => o.IsDestructive);

    public CollectionSchema SchemaBefore { get; }

    public CollectionSchema SchemaAfter { get; }

    public override string ToString() => Id;

    /// <summary>Validates <paramref name="migration"/> on top of <paramref name="before"/> and describes it.</summary>
    /// <exception cref="QdrantMigrationDefinitionException">The migration is invalid.</exception>
    public static MigrationDescriptor Create(QdrantMigration migration, SchemaState before, out SchemaState after)
    {
        ArgumentNullException.ThrowIfNull(migration);
        ArgumentNullException.ThrowIfNull(before);
        var id = migration.Id;
        var family = migration.Family;
        var context = new FoldContext(id, family);

        var up = new MigrationBuilder();
        migration.Up(up);
        if (up.Operations.Count == 0)
        {
            throw context.Error("declares no operations in Up. Add operations, or delete the migration.");
        }

        // Fold Up, keeping the schema before each operation for the inverses.
        var states = new List<SchemaState>(up.Operations.Count);
        var state = before.Clone();
        foreach (var operation in up.Operations)
        {
            states.Add(state.Clone());
            operation.Apply(state, context);
        }

        after = state;
        if (!migration.SnapshotBeforeApply
            && up.Operations.FirstOrDefault(o => o.Kind != OperationKind.MetadataOnly || o.IsDestructive) is { } unsafeOperation)
        {
            throw context.Error(
                $"opts out of the pre-migration snapshot (SnapshotBeforeApply is false), but its operation {unsafeOperation.DisplayName} " +
                (unsafeOperation.IsDestructive ? "deletes data" : $"is {unsafeOperation.Kind}, not MetadataOnly") +
                ". Only migrations whose operations all change metadata may skip the snapshot; remove the SnapshotBeforeApply override.");
        }

        var checksum = ComputeChecksum(up.Operations);

        var down = new MigrationBuilder();
        migration.Down(down);
        IReadOnlyList<MigrationOperation>? downOperations;
        var reasons = new List<string>();
        var warnings = new List<string>();
        if (down.UsesGeneratedInverse)
        {
            if (down.Operations.Count > 0)
            {
                throw context.Error(
                    "Down both calls base.Down (generate the inverse) and declares operations. Either declare the whole Down yourself or leave it to base.Down.");
            }

            var generated = new List<MigrationOperation>();
            for (var i = up.Operations.Count - 1; i >= 0; i--)
            {
                var inverse = up.Operations[i].CreateInverse(states[i]);
                if (!inverse.IsInvertible)
                {
                    reasons.Add(inverse.Reason!);
                    continue;
                }

                generated.AddRange(inverse.Operations!);
                if (inverse.Warning is not null)
                {
                    warnings.Add(inverse.Warning);
                }
            }

            reasons.Reverse();
            downOperations = reasons.Count == 0 ? generated : null;
        }
        else
        {
            var irreversible = down.Operations.OfType<IrreversibleOperation>().ToList();
            if (irreversible.Count > 0)
            {
                reasons.AddRange(irreversible.Select(o => o.Reason));
                downOperations = null;
            }
            else
            {
                ValidateExplicitDown(down.Operations, before, after, new FoldContext(id, family, "Down"));
                downOperations = down.Operations;
                warnings.AddRange(down.Operations.Where(o => o.IsDestructive).Select(o => $"Down runs {o.DisplayName}, which loses data."));
            }
        }

        return new MigrationDescriptor(
            migration,
            id,
            family,
            migration.Description,
            up.Operations,
            checksum,
            downOperations,
            !down.UsesGeneratedInverse,
            reasons,
            warnings,
            new CollectionSchema(before.Clone()),
            new CollectionSchema(after.Clone()));
    }

    /// <summary>A hand-written Down must fold cleanly on the schema after Up and give back the schema before Up.</summary>
    private static void ValidateExplicitDown(
        IReadOnlyList<MigrationOperation> down, SchemaState before, SchemaState after, FoldContext context)
    {
        var state = after.Clone();
        foreach (var operation in down)
        {
            operation.Apply(state, context);
        }

        var expected = before.CanonicalSections();
        var found = state.CanonicalSections();
        var paths = expected.Keys.Union(found.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var path in paths)
        {
            var e = expected.GetValueOrDefault(path);
            var f = found.GetValueOrDefault(path);
            if (e != f)
            {
                differences.Add($"{path}: expected {e ?? "(absent)"}, found {f ?? "(absent)"}");
            }
        }

        if (differences.Count > 0)
        {
            throw context.Error(
                "does not restore the schema that Up started from: " + string.Join("; ", differences) +
                ". Fix Down so that it undoes every schema change of Up, or call Irreversible(reason) in it.");
        }
    }

    internal static string ComputeChecksum(IReadOnlyList<MigrationOperation> operations)
    {
        var text = new StringBuilder(ChecksumVersion).Append('\n');
        foreach (var operation in operations)
        {
            operation.AppendCanonical(text);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    internal static string CanonicalText(IReadOnlyList<MigrationOperation> operations)
    {
        var text = new StringBuilder();
        foreach (var operation in operations)
        {
            operation.AppendCanonical(text);
        }

        return text.ToString();
    }
}
