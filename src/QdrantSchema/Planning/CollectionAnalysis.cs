using QdrantSchema.Families;
using QdrantSchema.History;
using QdrantSchema.Migrations;

namespace QdrantSchema.Planning;

/// <summary>
/// One physical collection's history read against its family's migrations: what is applied, pending, interrupted,
/// changed since it ran, unknown to the code, or out of order.
/// </summary>
internal sealed class CollectionAnalysis
{
    private CollectionAnalysis(FamilyMember member, MigrationFamilyModel family, IReadOnlyList<MigrationRecord> records, int familyMemberCount)
    {
        Member = member;
        FamilyMemberCount = familyMemberCount;
        Family = family;
        Records = records;
        ById = records.GroupBy(r => r.MigrationId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

        var known = family.Migrations.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        Applied = family.Migrations.Where(m => IsApplied(m.Id)).ToList();
        Pending = family.Migrations.Where(m => !IsApplied(m.Id)).ToList();
        CurrentVersion = Applied.Count == 0 ? null : Applied[^1].Id;
        UnknownApplied = [.. ById.Values
            .Where(r => !known.Contains(r.MigrationId) && r.Status != MigrationStatus.RolledBack)
            .OrderBy(r => r.MigrationId, StringComparer.Ordinal)];
        ChecksumMismatches = [.. family.Migrations
            .Where(m => ById.TryGetValue(m.Id, out var r) && r.Status != MigrationStatus.RolledBack && !string.Equals(r.Checksum, m.Checksum, StringComparison.Ordinal))
            .Select(m => (m, ById[m.Id]))];
        OutOfOrder = CurrentVersion is null
            ? []
            : [.. Pending.Where(m => string.CompareOrdinal(m.Id, CurrentVersion) < 0)];
        Failed = Pending.Select(m => ById.GetValueOrDefault(m.Id)).FirstOrDefault(r => r?.Status == MigrationStatus.Failed);
        Running = Pending.Select(m => ById.GetValueOrDefault(m.Id)).FirstOrDefault(r => r?.Status == MigrationStatus.Running);
    }

    public FamilyMember Member { get; }

    /// <summary>How many physical collections the member's family resolved to in this run.</summary>
    public int FamilyMemberCount { get; }

    public MigrationFamilyModel Family { get; }

    /// <summary>The collection's records, ordered by migration id.</summary>
    public IReadOnlyList<MigrationRecord> Records { get; }

    public IReadOnlyDictionary<string, MigrationRecord> ById { get; }

    /// <summary>The family's migrations recorded as succeeded, in order.</summary>
    public IReadOnlyList<MigrationDescriptor> Applied { get; }

    /// <summary>The family's migrations not recorded as succeeded, in order.</summary>
    public IReadOnlyList<MigrationDescriptor> Pending { get; }

    /// <summary>The last applied migration, or null.</summary>
    public string? CurrentVersion { get; }

    /// <summary>Records of migrations the code does not define (not rolled back).</summary>
    public IReadOnlyList<MigrationRecord> UnknownApplied { get; }

    /// <summary>Migrations whose recorded checksum (succeeded, running or failed) differs from the code.</summary>
    public IReadOnlyList<(MigrationDescriptor Migration, MigrationRecord Record)> ChecksumMismatches { get; }

    /// <summary>Pending migrations older than <see cref="CurrentVersion"/>.</summary>
    public IReadOnlyList<MigrationDescriptor> OutOfOrder { get; }

    /// <summary>The first pending migration recorded as failed, or null.</summary>
    public MigrationRecord? Failed { get; }

    /// <summary>The first pending migration recorded as running (in progress or interrupted), or null.</summary>
    public MigrationRecord? Running { get; }

    /// <summary>True when the collection has any record (so baseline leaves it alone).</summary>
    public bool HasHistory => Records.Count > 0;

    public static CollectionAnalysis Create(FamilyMember member, MigrationFamilyModel family, IReadOnlyList<MigrationRecord> records, int familyMemberCount = 1)
        => new(member, family, records, familyMemberCount);

    /// <summary>The pending migrations up to and including <paramref name="target"/> (null: all).</summary>
    public IReadOnlyList<MigrationDescriptor> PendingUpTo(string? target)
        => target is null ? Pending : [.. Pending.Where(m => string.CompareOrdinal(m.Id, target) <= 0)];

    /// <summary>Applied migrations after <paramref name="target"/> (the collection is past it), in order.</summary>
    public IReadOnlyList<MigrationDescriptor> AppliedAfter(string target)
        => [.. Applied.Where(m => string.CompareOrdinal(m.Id, target) > 0)];

    /// <summary>The record a pending migration resumes from (running or failed), or null.</summary>
    public MigrationRecord? Interrupted(MigrationDescriptor migration)
        => ById.TryGetValue(migration.Id, out var record) && record.Status is MigrationStatus.Running or MigrationStatus.Failed ? record : null;

    private bool IsApplied(string id) => ById.TryGetValue(id, out var record) && record.Status == MigrationStatus.Succeeded;
}
