using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine.Collections;

namespace QdrantSchema.Testing.Emulator.Engine;

internal sealed partial class EmulatorEngine
{
    partial void RegisterCollectionHandlers()
    {
        var handlers = new CollectionHandlers(this);

        Register<CreateCollection, CollectionOperationResponse>(
            "/qdrant.Collections/Create", EmulatorRequirement.Manage, mutates: true, (r, _) => handlers.Create(r));
        Register<GetCollectionInfoRequest, GetCollectionInfoResponse>(
            "/qdrant.Collections/Get", EmulatorRequirement.Read, mutates: false, (r, _) => handlers.Get(r));
        Register<ListCollectionsRequest, ListCollectionsResponse>(
            "/qdrant.Collections/List", EmulatorRequirement.Read, mutates: false, (r, _) => handlers.List(r));
        Register<CollectionExistsRequest, CollectionExistsResponse>(
            "/qdrant.Collections/CollectionExists", EmulatorRequirement.Read, mutates: false, (r, _) => handlers.Exists(r));
        Register<DeleteCollection, CollectionOperationResponse>(
            "/qdrant.Collections/Delete", EmulatorRequirement.Manage, mutates: true, (r, _) => handlers.Delete(r));
        Register<UpdateCollection, CollectionOperationResponse>(
            "/qdrant.Collections/Update", EmulatorRequirement.Manage, mutates: true, (r, _) => handlers.Update(r));
        Register<ChangeAliases, CollectionOperationResponse>(
            "/qdrant.Collections/UpdateAliases", EmulatorRequirement.Manage, mutates: true, (r, _) => handlers.UpdateAliases(r));
        Register<ListAliasesRequest, ListAliasesResponse>(
            "/qdrant.Collections/ListAliases", EmulatorRequirement.Read, mutates: false, (r, _) => handlers.ListAliases(r));
        Register<ListCollectionAliasesRequest, ListAliasesResponse>(
            "/qdrant.Collections/ListCollectionAliases", EmulatorRequirement.Read, mutates: false, (r, _) => handlers.ListCollectionAliases(r));
        Register<CollectionClusterInfoRequest, CollectionClusterInfoResponse>(
            "/qdrant.Collections/CollectionClusterInfo", EmulatorRequirement.Read, mutates: false, (r, _) => handlers.ClusterInfo(r));

        Register<CreateFieldIndexCollection, PointsOperationResponse>(
            "/qdrant.Points/CreateFieldIndex", EmulatorRequirement.Manage, mutates: true, (r, _) => handlers.CreateFieldIndex(r));
        Register<DeleteFieldIndexCollection, PointsOperationResponse>(
            "/qdrant.Points/DeleteFieldIndex", EmulatorRequirement.Manage, mutates: true, (r, _) => handlers.DeleteFieldIndex(r));
        Register<CreateVectorNameRequest, PointsOperationResponse>(
            "/qdrant.Points/CreateVectorName", EmulatorRequirement.Manage, mutates: true, (r, _) => handlers.CreateVectorName(r));
        Register<DeleteVectorNameRequest, PointsOperationResponse>(
            "/qdrant.Points/DeleteVectorName", EmulatorRequirement.Manage, mutates: true, (r, _) => handlers.DeleteVectorName(r));
    }
}
