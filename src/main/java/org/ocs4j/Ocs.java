package org.ocs4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ocs4j.graph.InputShape;
import org.ocs4j.progress.Progress;
import org.ocs4j.rewrite.LayerPolicy;
import org.ocs4j.rewrite.ModelWidener;
import org.ocs4j.rewrite.WidenSettings;
import org.ocs4j.split.SplitOptions;

import java.util.Arrays;

/**
 * The fluent entry point of ocs4j.
 *
 * <pre>{@code
 * OcsResult<ComputationGraph> r = Ocs.split(resnet).expandRatio(0.02).gridAware(8).inputShape(3, 224, 224).apply();
 * r.model();   // a new, wider ComputationGraph computing the same function
 * r.report();  // per-layer channels split, extra weights and MACs, how each split was realized
 * }</pre>
 *
 * <p>Builder convention: every setter is optional and returns the builder; unset values take the paper's defaults
 * (expand ratio 0.01, split threshold 0, plain halving, the default layer policy). Values are validated once, by
 * {@link #settings()}, before any work starts. The input model is never modified.
 */
public final class Ocs {

    private Ocs() {
    }

    /** Starts a weight-OCS split of a MultiLayerNetwork; {@link Split#apply()} returns a new MultiLayerNetwork. */
    public static Split<MultiLayerNetwork> split(MultiLayerNetwork model) {
        return new Split<>(model);
    }

    /** Starts a weight-OCS split of a ComputationGraph; {@link Split#apply()} returns a new ComputationGraph. */
    public static Split<ComputationGraph> split(ComputationGraph model) {
        return new Split<>(model);
    }

    /**
     * A weight-OCS split being configured.
     *
     * @param <M> the model type, kept by the result
     */
    public static final class Split<M extends Model> {
        private final M model;
        private double expandRatio = 0.01;
        private double splitThreshold = 0.0;
        private boolean signedMaxThreshold = false;
        private int gridAwareBits = 0;
        private LayerPolicy policy = LayerPolicy.defaults();
        private InputShape[] inputShapes = new InputShape[0];
        private Progress progress = Progress.NONE;

        private Split(M model) {
            if (model == null) {
                throw new IllegalArgumentException("model is null");
            }
            this.model = model;
        }

        /** @param expandRatio fraction of input channels to split per layer, in [0, 1]; default 0.01 */
        public Split<M> expandRatio(double expandRatio) {
            this.expandRatio = expandRatio;
            return this;
        }

        /** @param splitThreshold entries above {@code t · max|slice|} are halved, in [0, 1); default 0 */
        public Split<M> splitThreshold(double splitThreshold) {
            this.splitThreshold = splitThreshold;
            return this;
        }

        /**
         * Grid-aware splitting for {@code bits}-bit weights (2..16): halves {@code (u/2 ∓ 1/4)/s} of
         * {@code u = w·s}, {@code s = (2^(bits-1) - 1) / max|w_split|}, so round-half-to-even quantization of the
         * two halves sums to the quantized original.
         */
        public Split<M> gridAware(int bits) {
            this.gridAwareBits = bits;
            return this;
        }

        /** Plain halving (the default). */
        public Split<M> plainHalving() {
            this.gridAwareBits = 0;
            return this;
        }

        /** Reproduces the reference code's signed {@code max(slice)} in the split threshold. */
        public Split<M> referenceThreshold() {
            this.signedMaxThreshold = true;
            return this;
        }

        /** @param policy which layers to split; default {@link LayerPolicy#defaults()} */
        public Split<M> policy(LayerPolicy policy) {
            this.policy = policy;
            return this;
        }

        /**
         * @param dims the input shape without batch, {@code C,H,W} or {@code N}; gives multiply-add counts in the
         *             report
         */
        public Split<M> inputShape(long... dims) {
            this.inputShapes = new InputShape[] {InputShape.of(dims)};
            return this;
        }

        /** @param shapes one shape per network input, for multi-input graphs */
        public Split<M> inputShapes(InputShape... shapes) {
            this.inputShapes = shapes.clone();
            return this;
        }

        /** @param progress receives progress of planning and rebuilding; default none */
        public Split<M> progress(Progress progress) {
            this.progress = progress == null ? Progress.NONE : progress;
            return this;
        }

        /** @return the validated settings this builder stands for */
        public WidenSettings settings() {
            return new WidenSettings(expandRatio, new SplitOptions(splitThreshold, signedMaxThreshold, Double.NaN),
                    gridAwareBits, policy);
        }

        /** Plans the splits and builds the widened model. */
        @SuppressWarnings("unchecked")
        public OcsResult<M> apply() {
            WidenSettings settings = settings();
            InputType[] types = Arrays.stream(inputShapes).map(InputShape::toInputType).toArray(InputType[]::new);
            ModelWidener.Widened w = ModelWidener.widen(model, settings, progress, types);
            return new OcsResult<>((M) w.model(), w.report());
        }

        @Override
        public String toString() {
            return "Ocs.Split[" + model.getClass().getSimpleName() + ", " + settings() + "]";
        }
    }
}
