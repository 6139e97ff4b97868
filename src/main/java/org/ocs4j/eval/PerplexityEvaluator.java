package org.ocs4j.eval;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.GatherNd;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.ocs4j.data.BpttIterator;
import org.ocs4j.exec.Executor;
import org.ocs4j.exec.FastRecurrentInference;
import org.ocs4j.progress.Progress;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Perplexity {@code exp(mean −ln p)} of a DL4J recurrent language model (a MultiLayerNetwork whose output is a
 * softmax over the vocabulary in NCW layout) over every token of a split. The split is read as one stream in
 * windows with the recurrent state carried across them ({@code rnnTimeStep}); the first token is predicted from a
 * start token (normally {@code <eos>}, which ends the previous line), so the count is exactly the split's length.
 * With the DL4J executor the NLL is taken from the softmax's probabilities; with the fast one from the output
 * layer's logits ({@code logsumexp(z) − z_token}, the same value without the softmax's copies and underflow).
 */
public final class PerplexityEvaluator {

    private PerplexityEvaluator() {
    }

    /**
     * @param model      the language model (its recurrent state is cleared before and after; weights untouched)
     * @param tokens     the split's token ids
     * @param startToken the id that precedes the first token ({@code <eos>})
     * @param window     steps per forward call (any value gives the same result; larger is faster)
     */
    public static PerplexityResult evaluate(Model model, int[] tokens, int startToken, int window, Progress progress) {
        return evaluate(model, tokens, startToken, window, Executor.DL4J, progress);
    }

    /**
     * @param executor {@link Executor#DL4J}: DL4J's {@code rnnTimeStep}; {@link Executor#FAST}:
     *                 {@link FastRecurrentInference} (LSTMs as fused libnd4j ops, same result)
     * @see #evaluate(Model, int[], int, int, Progress)
     */
    public static PerplexityResult evaluate(Model model, int[] tokens, int startToken, int window, Executor executor,
                                            Progress progress) {
        if (!(model instanceof MultiLayerNetwork lm)) {
            throw new IllegalArgumentException("perplexity needs a MultiLayerNetwork language model, got "
                    + (model == null ? "null" : model.getClass().getSimpleName()));
        }
        if (tokens.length == 0) {
            throw new IllegalArgumentException("the token stream is empty");
        }
        long vocabulary = lm.layerSize(lm.getnLayers() - 1);
        int[] stream = new int[tokens.length + 1];
        stream[0] = startToken;
        System.arraycopy(tokens, 0, stream, 1, tokens.length);
        for (int t : stream) {
            if (t < 0 || t >= vocabulary) {
                throw new IllegalArgumentException("token id " + t + " is outside the model's vocabulary 0.."
                        + (vocabulary - 1));
            }
        }
        BpttIterator windows = new BpttIterator(stream, 1, window);
        FastRecurrentInference fast = executor == Executor.FAST ? new FastRecurrentInference(lm) : null;
        long start = System.nanoTime();
        java.util.List<Double> windowNll = new java.util.ArrayList<>();
        java.util.List<Integer> windowTokens = new java.util.ArrayList<>();
        progress.start("perplexity", windows.predictedTokens());
        lm.rnnClearPreviousState();
        try {
            while (windows.hasNext()) {
                DataSet w = windows.next();
                long t = w.getLabels().size(2);
                // (step, label) pairs: where each step's actual next token sits in a [T, V] matrix
                INDArray at = Nd4j.vstack(Nd4j.linspace(DataType.INT64, 0, t, 1).reshape(1, t),
                        w.getLabels().reshape(1, t).castTo(DataType.INT64)).transpose().dup('c');
                double windowSum = fast != null ? windowNll(fast.logits(w.getFeatures()), at)
                        : windowNll(lm.rnnTimeStep(w.getFeatures()), at, t);
                windowNll.add(windowSum);
                windowTokens.add((int) t);
                for (long i = 0; i < t; i++) {
                    progress.step();
                }
            }
        } finally {
            lm.rnnClearPreviousState();
            progress.finish();
        }
        return new PerplexityResult(new WindowLosses(windowNll.stream().mapToDouble(Double::doubleValue).toArray(),
                windowTokens.stream().mapToInt(Integer::intValue).toArray()), (System.nanoTime() - start) / 1e9);
    }

    /**
     * @return {@code −Σ ln p} of the targets {@code at} from softmax logits {@code z} ({@code [T, V]}), which it
     * overwrites (no copy of the vocabulary-sized array)
     */
    private static double windowNll(INDArray z, INDArray at) {
        INDArray target = Nd4j.exec(new GatherNd(z, at))[0];
        INDArray max = z.max(1);
        INDArray logSumExp = Transforms.log(Transforms.exp(z.subiColumnVector(max), false).sum(1), false).addi(max);
        double sum = logSumExp.castTo(DataType.DOUBLE).subi(target.castTo(DataType.DOUBLE)).sumNumber().doubleValue();
        if (!Double.isFinite(sum)) {
            throw new IllegalStateException("the model's output logits are not finite (NaN or infinite weights?)");
        }
        return sum;
    }

    /** @return {@code −Σ ln p} of the targets {@code at} from softmax probabilities {@code p} ({@code [1, V, T]}) */
    private static double windowNll(INDArray p, INDArray at, long t) {
        INDArray probs = p.reshape(p.size(1), t).transpose().dup('c'); // [T, V]
        INDArray target = Nd4j.exec(new GatherNd(probs, at))[0];
        double minP = target.minNumber().doubleValue();
        if (!(minP > 0)) {
            throw new IllegalStateException("the model gave probability " + minP + " to an actual token"
                    + " (NaN weights or a non-softmax output?)");
        }
        return -Transforms.log(target.castTo(DataType.DOUBLE), false).sumNumber().doubleValue();
    }
}
