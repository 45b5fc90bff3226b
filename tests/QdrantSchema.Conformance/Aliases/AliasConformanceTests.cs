using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Collections;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.Conformance.Aliases;

/// <summary>Aliases (QDRANT.md §5; toc/collection_meta_ops.rs::update_aliases, alias_mapping.rs).</summary>
public abstract class AliasConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AliasOperations Create(string alias, string collection) =>
        new() { CreateAlias = new CreateAlias { AliasName = alias, CollectionName = collection } };

    private static AliasOperations Delete(string alias) => new() { DeleteAlias = new DeleteAlias { AliasName = alias } };

    private static AliasOperations Rename(string from, string to) =>
        new() { RenameAlias = new RenameAlias { OldAliasName = from, NewAliasName = to } };

    private async Task<string?> TargetOf(string alias) =>
        (await Backend.Client.ListAliasesAsync(Ct)).SingleOrDefault(a => a.AliasName == alias)?.CollectionName;

    [Fact]
    public async Task CreateAlias_ExistingCollection_ListedForThatCollection()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();

        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        Assert.Equal([alias], await Backend.Client.ListCollectionAliasesAsync(collection, Ct));
        Assert.Equal(collection, await TargetOf(alias));
    }

    [Fact]
    public async Task UpdateAliases_DeleteThenCreateInOneCall_SwapsTarget()
    {
        await using var scratch = new Scratch(Backend);
        var blue = await scratch.CreateAsync(size: 4);
        var green = await scratch.CreateAsync(size: 8);
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, blue, cancellationToken: Ct);

        await Backend.Client.UpdateAliasesAsync([Delete(alias), Create(alias, green)], cancellationToken: Ct);

        Assert.Equal(green, await TargetOf(alias));
        Assert.Equal(8UL, (await Backend.Client.GetCollectionInfoAsync(alias, Ct)).Config.Params.VectorsConfig.Params.Size);
        Assert.Empty(await Backend.Client.ListCollectionAliasesAsync(blue, Ct));
    }

    [Fact]
    public async Task UpdateAliases_CreateThenRenameInOneCall_AppliedInOrder()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var first = scratch.Alias();
        var second = scratch.Alias();

        await Backend.Client.UpdateAliasesAsync([Create(first, collection), Rename(first, second)], cancellationToken: Ct);

        Assert.Equal([second], await Backend.Client.ListCollectionAliasesAsync(collection, Ct));
    }

    [Fact]
    public async Task CreateAlias_AliasAlreadyExists_SilentlyRepointed()
    {
        await using var scratch = new Scratch(Backend);
        var a = await scratch.CreateAsync();
        var b = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, a, cancellationToken: Ct);

        // AliasPersistence::insert overwrites; no error (QDRANT.md §5).
        await Backend.Client.CreateAliasAsync(alias, b, cancellationToken: Ct);

        Assert.Equal(b, await TargetOf(alias));
        Assert.Empty(await Backend.Client.ListCollectionAliasesAsync(a, Ct));
    }

    [Fact]
    public async Task DeleteAlias_Missing_Succeeds()
    {
        // AliasPersistence::remove returns Ok(None) for an unknown alias.
        await Backend.Client.DeleteAliasAsync(QdrantBackend.NewName("a"), cancellationToken: Ct);
    }

    [Fact]
    public async Task RenameAlias_Existing_MovesName()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var from = scratch.Alias();
        var to = scratch.Alias();
        await Backend.Client.CreateAliasAsync(from, collection, cancellationToken: Ct);

        await Backend.Client.RenameAliasAsync(from, to, cancellationToken: Ct);

        Assert.Null(await TargetOf(from));
        Assert.Equal(collection, await TargetOf(to));
    }

    [Fact]
    public async Task RenameAlias_MissingOldName_NotFoundWithQdrantText()
    {
        var from = QdrantBackend.NewName("a");

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.RenameAliasAsync(from, QdrantBackend.NewName("a"), cancellationToken: Ct));

        // alias_mapping.rs::rename_alias (sic "does not exists!").
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal($"Not found: Alias {from} does not exists!", e.Status.Detail);
    }

    [Fact]
    public async Task CreateAlias_MissingCollection_NotFoundWithQdrantText()
    {
        var collection = QdrantBackend.NewName("missing");

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateAliasAsync(QdrantBackend.NewName("a"), collection, cancellationToken: Ct));

        // update_aliases → validate_collection_exists (collections_ops.rs).
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal($"Not found: Collection `{collection}` doesn't exist!", e.Status.Detail);
    }

    [Fact]
    public async Task CreateAlias_TargetIsAnAlias_NotFound()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        // collection_name must be a real collection: aliases are not resolved there.
        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateAliasAsync(scratch.Alias(), alias, cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal($"Not found: Collection `{alias}` doesn't exist!", e.Status.Detail);
    }

    [Fact]
    public async Task CreateAlias_NameOfExistingCollection_AlreadyExistsWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var target = await scratch.CreateAsync();
        var other = await scratch.CreateAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateAliasAsync(other, target, cancellationToken: Ct));

        // validate_collection_not_exists(alias_name); tests/openapi/test_alias.py asserts 409.
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Equal($"Wrong input: Collection `{other}` already exists!", e.Status.Detail);
    }

    [Fact]
    public async Task ListAliases_SeveralCollections_GroupedByCollectionNameAscending()
    {
        await using var scratch = new Scratch(Backend);
        var c1 = await scratch.CreateAsync();
        var c2 = await scratch.CreateAsync();
        var (low, high) = string.CompareOrdinal(c1, c2) < 0 ? (c1, c2) : (c2, c1);
        var highAlias = scratch.Alias();
        var lowAlias1 = scratch.Alias();
        var lowAlias2 = scratch.Alias();
        await Backend.Client.CreateAliasAsync(highAlias, high, cancellationToken: Ct);
        await Backend.Client.CreateAliasAsync(lowAlias1, low, cancellationToken: Ct);
        await Backend.Client.CreateAliasAsync(lowAlias2, low, cancellationToken: Ct);

        var all = await Backend.Client.ListAliasesAsync(Ct);

        // ≥1.18 grouped by collection name ascending; order inside a group is unspecified.
        var mine = all.Where(a => a.CollectionName == low || a.CollectionName == high).ToList();
        Assert.Equal(3, mine.Count);
        Assert.Equal([low, low, high], mine.Select(a => a.CollectionName));
        Assert.Equal(new[] { lowAlias1, lowAlias2 }.Order(StringComparer.Ordinal), mine.Take(2).Select(a => a.AliasName).Order(StringComparer.Ordinal));
        Assert.Equal(highAlias, mine[2].AliasName);
    }

    [Fact]
    public async Task ListCollectionAliases_AliasOrUnknownName_EmptyList()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        // Exact collection-name match, no existence check (QDRANT.md §5 Listing).
        Assert.Empty(await Backend.Client.ListCollectionAliasesAsync(alias, Ct));
        Assert.Empty(await Backend.Client.ListCollectionAliasesAsync(QdrantBackend.NewName("missing"), Ct));
    }

    [Fact]
    public async Task PointOperations_ViaAlias_ResolveToCollection()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        await scratch.UpsertAsync(alias, 3);

        Assert.Equal(3UL, await Backend.Client.CountAsync(collection, exact: true, cancellationToken: Ct));
        Assert.Equal(3UL, await Backend.Client.CountAsync(alias, exact: true, cancellationToken: Ct));
        var points = await Backend.Client.RetrieveAsync(alias, [1UL, 2UL], cancellationToken: Ct);
        Assert.Equal(2, points.Count);
    }

    [Fact]
    public async Task PointOperations_DeletedAlias_NotFound()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);
        await Backend.Client.DeleteAliasAsync(alias, cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CountAsync(alias, cancellationToken: Ct));

        // tests/openapi/test_alias.py: query through a deleted alias → 404.
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal($"Not found: Collection `{alias}` doesn't exist!", e.Status.Detail);
    }

    [Fact]
    public async Task UpdateAliases_SecondActionFails_FirstActionStaysApplied()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();

        // Each action persists immediately; there is no rollback (QDRANT.md §5, inferred from the sequential code).
        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.UpdateAliasesAsync(
            [Create(alias, collection), Rename(QdrantBackend.NewName("a"), QdrantBackend.NewName("a"))], cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal(collection, await TargetOf(alias));
    }
}

public sealed class AliasConformanceTests_Server(ServerBackend backend) : AliasConformanceTests(backend);

public sealed class AliasConformanceTests_InProcess(InProcessBackend backend) : AliasConformanceTests(backend);
