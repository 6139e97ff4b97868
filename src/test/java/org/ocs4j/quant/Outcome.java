package org.ocs4j.quant;

import org.ocs4j.testing.Quantize;
import org.ocs4j.pipeline.OcsConfig;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ocs4j.rewrite.IdentityCheck;

import java.util.List;

/**
 * A simulated classifier measured against its FP32 original on a test set.
 *
 * @param accuracy   test accuracy of the simulated model (DL4J {@code Evaluation})
 * @param logitError relative logit error {@code ‖z_q - z‖² / ‖z‖²} over the test set
 */
record Outcome(double accuracy, double logitError) {

    /**
     * @param fp32Logits the original model's logits on {@code test} ({@link IdentityCheck#logits}), computed once
     */
    static Outcome measure(MultiLayerNetwork net, INDArray fp32Logits, OcsConfig.Builder s, List<DataSet> calibration,
                           DataSet test, double fp32) {
        Quantize.Result q = Quantize.run(net, s, new ListDataSetIterator<>(calibration, 1));
        MultiLayerNetwork m = (MultiLayerNetwork) q.model();
        double accuracy = org.ocs4j.eval.ClassifierEvaluator.accuracy(m, test);
        INDArray z = fp32Logits;
        INDArray zq = IdentityCheck.logits(m, test.getFeatures())[0];
        double e = zq.sub(z).norm2Number().doubleValue() / z.norm2Number().doubleValue();
        System.out.printf("%s: accuracy %.4f (FP32 %.4f), relative logit MSE %.4g%n", s.build(), accuracy, fp32, e * e);
        return new Outcome(accuracy, e * e);
    }
}
