package example;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.ocs4j.Ocs;
import org.ocs4j.OcsModel;
import org.ocs4j.pipeline.OcsConfig;
import org.ocs4j.quant.ClipMethod;

/** What a library user writes after training: quantize with OCS through the facade. */
public final class QuantizeAfterTraining {

    private QuantizeAfterTraining() {
    }

    public static MultiLayerNetwork quantize(MultiLayerNetwork trained, DataSetIterator calibration) {
        OcsConfig cfg = OcsConfig.builder().weightBits(6).activationBits(8).weightClip(ClipMethod.MSE)
                .expandRatio(0.02).build();
        OcsModel<MultiLayerNetwork> q = Ocs.of(trained).config(cfg).calibrateOn(calibration).quantize();
        return q.model();
    }
}
