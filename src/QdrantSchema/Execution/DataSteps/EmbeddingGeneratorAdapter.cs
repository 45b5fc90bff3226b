using Microsoft.Extensions.AI;

namespace QdrantSchema.Execution.DataSteps;

/// <summary>
/// Turns a Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> into the
/// <see cref="DataStepContext.EmbedTextsAsync"/> delegate used by <c>FillVectorFromText</c> steps: one
/// <c>GenerateAsync</c> call per page with the page's texts, in order.
/// </summary>
internal static class EmbeddingGeneratorAdapter
{
    public static Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<float[]>>> Create(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        EmbeddingGenerationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return (texts, cancellationToken) => EmbedAsync(generator, options, texts, cancellationToken);
    }

    private static async Task<IReadOnlyList<float[]>> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator,
        EmbeddingGenerationOptions? options,
        IReadOnlyList<string> texts,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        var embeddings = await generator.GenerateAsync(texts, options, cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
        {
            throw new QdrantSchemaException(
                $"The embedding generator returned {embeddings.Count} embeddings for {texts.Count} texts. "
                + "It must return one embedding per input text, in order; check the generator or its provider's batch limits.");
        }

        var vectors = new float[embeddings.Count][];
        for (var i = 0; i < embeddings.Count; i++)
        {
            vectors[i] = embeddings[i].Vector.ToArray();
        }

        return vectors;
    }
}
