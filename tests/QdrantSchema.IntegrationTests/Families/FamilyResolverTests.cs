using Qdrant.Client.Grpc;
using QdrantSchema.Families;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Families;

public abstract class FamilyResolverTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateAsync(string name)
    {
        await Backend.Client.CreateCollectionAsync(name, new VectorParams { Size = 4, Distance = Distance.Cosine }, cancellationToken: Ct);
        return name;
    }

    private FamilyResolver Resolver(string history = "__qdrant_schema") => new(Backend.Client, history);

    [Fact]
    public async Task ResolveAsync_ExplicitNames_ExistingAndMissingMembers()
    {
        var prefix = QdrantBackend.NewName("fam");
        var existing = await CreateAsync(prefix + "_a");
        var family = new CollectionFamily("memories") { Collections = { prefix + "_zmissing", existing } };

        var members = await Resolver().ResolveAsync([family], Ct);

        Assert.Equal(
            [new FamilyMember("memories", existing, null, true), new FamilyMember("memories", prefix + "_zmissing", null, false)],
            members);
    }

    [Fact]
    public async Task ResolveAsync_Pattern_MatchesCollectionsAndAliasesResolvedToPhysical()
    {
        var prefix = QdrantBackend.NewName("fam");
        var real = await CreateAsync(prefix + "_mem_alice");
        var physical = await CreateAsync(prefix + "_store_bob_7d");
        await Backend.Client.CreateAliasAsync(prefix + "_mem_bob", physical, cancellationToken: Ct);
        await CreateAsync(prefix + "_other");
        var family = new CollectionFamily("memories") { Pattern = prefix + "_mem_*" };

        var members = await Resolver().ResolveAsync([family], Ct);

        Assert.Equal(
            [new FamilyMember("memories", real, null, true), new FamilyMember("memories", physical, prefix + "_mem_bob", true)],
            members);
        Assert.Equal($"{prefix}_mem_bob -> {physical}", members[1].DisplayName);
    }

    [Fact]
    public async Task ResolveAsync_PatternMatchesAliasAndItsCollection_OneMemberKeepingTheAlias()
    {
        var prefix = QdrantBackend.NewName("fam");
        var physical = await CreateAsync(prefix + "_bot_7d");
        await Backend.Client.CreateAliasAsync(prefix + "_bot", physical, cancellationToken: Ct);
        var family = new CollectionFamily("memories") { Pattern = prefix + "_bot*", Collections = { physical } };

        var member = Assert.Single(await Resolver().ResolveAsync([family], Ct));

        Assert.Equal(new FamilyMember("memories", physical, prefix + "_bot", true), member);
    }

    [Fact]
    public async Task ResolveAsync_ResolverNames_MembersIncludingMissingAndAliases()
    {
        var prefix = QdrantBackend.NewName("fam");
        var physical = await CreateAsync(prefix + "_x_7d");
        await Backend.Client.CreateAliasAsync(prefix + "_x", physical, cancellationToken: Ct);
        var family = new CollectionFamily("memories")
        {
            Resolver = _ => ValueTask.FromResult<IEnumerable<string>>([prefix + "_x", prefix + "_new"]),
        };

        var members = await Resolver().ResolveAsync([family], Ct);

        Assert.Equal(
            [new FamilyMember("memories", prefix + "_new", null, false), new FamilyMember("memories", physical, prefix + "_x", true)],
            members);
    }

    [Fact]
    public async Task ResolveAsync_SeveralFamilies_OrderedByFamilyThenPhysicalName()
    {
        var prefix = QdrantBackend.NewName("fam");
        var family1 = new CollectionFamily("b_family") { Collections = { prefix + "_2", prefix + "_1" } };
        var family2 = new CollectionFamily("a_family") { Collections = { prefix + "_9" } };

        var members = await Resolver().ResolveAsync([family1, family2], Ct);

        Assert.Equal(
            [("a_family", prefix + "_9"), ("b_family", prefix + "_1"), ("b_family", prefix + "_2")],
            members.Select(m => (m.Family, m.PhysicalName)));
    }

    [Fact]
    public async Task ResolveAsync_PatternMatchingHistoryCollection_LeavesHistoryOut()
    {
        var prefix = QdrantBackend.NewName("fam");
        var history = await CreateAsync(prefix + "_history");
        var member = await CreateAsync(prefix + "_member");
        var family = new CollectionFamily("memories") { Pattern = prefix + "_*" };

        var members = await Resolver(history).ResolveAsync([family], Ct);

        Assert.Equal(member, Assert.Single(members).PhysicalName);
    }

    [Fact]
    public async Task ResolveAsync_ExplicitHistoryCollection_ThrowsNamingIt()
    {
        var family = new CollectionFamily("memories") { Collections = { "__qdrant_schema" } };

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => Resolver().ResolveAsync([family], Ct));

        Assert.Contains("Family 'memories'", error.Message, StringComparison.Ordinal);
        Assert.Contains("migration history collection '__qdrant_schema'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_NoMembers_ThrowsNamingFamilyPatternAndFix()
    {
        var prefix = QdrantBackend.NewName("fam");
        var family = new CollectionFamily("memories")
        {
            Pattern = prefix + "_*",
            Resolver = _ => ValueTask.FromResult(Enumerable.Empty<string>()),
        };

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => Resolver().ResolveAsync([family], Ct));

        Assert.Contains("Family 'memories' resolves to no collection", error.Message, StringComparison.Ordinal);
        Assert.Contains($"pattern '{prefix}_*' matched none", error.Message, StringComparison.Ordinal);
        Assert.Contains("resolver returned no collection names", error.Message, StringComparison.Ordinal);
        Assert.Contains("CollectionFamily.Collections", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_AliasOfAnotherFamilysCollection_ThrowsNamingBothFamilies()
    {
        var prefix = QdrantBackend.NewName("fam");
        var physical = await CreateAsync(prefix + "_shared");
        await Backend.Client.CreateAliasAsync(prefix + "_alias", physical, cancellationToken: Ct);
        var owner = new CollectionFamily("owners") { Collections = { physical } };
        var borrower = new CollectionFamily("borrowers") { Collections = { prefix + "_alias" } };

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => Resolver().ResolveAsync([owner, borrower], Ct));

        Assert.Contains(
            $"Family 'borrowers': alias '{prefix}_alias' points at collection '{physical}', which belongs to family 'owners'",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("re-point the alias", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_CollectionInTwoFamilies_ThrowsNamingCollectionAndFamilies()
    {
        var prefix = QdrantBackend.NewName("fam");
        var physical = await CreateAsync(prefix + "_both");
        var first = new CollectionFamily("first") { Pattern = prefix + "_*" };
        var second = new CollectionFamily("second") { Collections = { physical } };

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => Resolver().ResolveAsync([first, second], Ct));

        Assert.Contains($"Collection '{physical}' belongs to more than one family", error.Message, StringComparison.Ordinal);
        Assert.Contains("'first'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'second'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_InvalidExplicitName_ThrowsNamingFamilyAndName()
    {
        var family = new CollectionFamily("memories") { Collections = { "bad/name" } };

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => Resolver().ResolveAsync([family], Ct));

        Assert.Contains("Family 'memories': the collection name 'bad/name'", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"/\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_ResolverThrows_WrapsNamingFamily()
    {
        var family = new CollectionFamily("memories") { Resolver = _ => throw new InvalidOperationException("config missing") };

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => Resolver().ResolveAsync([family], Ct));

        Assert.Contains("resolver of family 'memories' failed: config missing", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public async Task ResolveAsync_DuplicateFamilyNames_Throws()
    {
        var error = await Assert.ThrowsAsync<QdrantSchemaException>(
            () => Resolver().ResolveAsync([new CollectionFamily("m") { Collections = { "a" } }, new CollectionFamily("m") { Collections = { "b" } }], Ct));

        Assert.Contains("family 'm' is configured twice", error.Message, StringComparison.Ordinal);
    }
}

public sealed class FamilyResolverTests_Server(ServerBackend backend) : FamilyResolverTests(backend);

public sealed class FamilyResolverTests_InProcess(InProcessBackend backend) : FamilyResolverTests(backend);

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("whisperengine_memory_*", "whisperengine_memory_elena", true)]
    [InlineData("whisperengine_memory_*", "whisperengine_memory_", true)]
    [InlineData("whisperengine_memory_*", "whisperengine_memories", false)]
    [InlineData("bot_?", "bot_1", true)]
    [InlineData("bot_?", "bot_12", false)]
    [InlineData("*_7d", "memory_bob_7d", true)]
    [InlineData("a*b*c", "a_x_b_y_c", true)]
    [InlineData("a*b*c", "a_x_c_y_b", false)]
    [InlineData("Exact", "exact", false)]
    [InlineData("*", "", true)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    public void IsMatch_Pattern_MatchesLikeAGlob(string pattern, string name, bool expected)
        => Assert.Equal(expected, GlobPattern.IsMatch(pattern, name));
}
