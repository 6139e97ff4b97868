package org.ocs4j.data;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;

/** Applies a {@link Normalization} to a batch of 0..255 images in place, with broadcast ND4J ops on the channel axis. */
public final class ImageNormalizer implements DataSetPreProcessor {

    private final double[] mean;
    private final double[] std;
    private final int channelAxis;

    public ImageNormalizer(ImagePreprocessing preprocessing) {
        this.mean = preprocessing.normalization().mean();
        this.std = preprocessing.normalization().std();
        this.channelAxis = preprocessing.layout() == CNN2DFormat.NCHW ? 1 : 3;
    }

    @Override
    public void preProcess(DataSet dataSet) {
        INDArray x = dataSet.getFeatures();
        if (x.rank() != 4 || x.size(channelAxis) != mean.length) {
            throw new IllegalArgumentException("expected a batch of " + mean.length + "-channel images with channels"
                    + " on axis " + channelAxis + ", got shape " + java.util.Arrays.toString(x.shape()));
        }
        INDArray m = Nd4j.createFromArray(mean).castTo(x.dataType());
        INDArray s = Nd4j.createFromArray(std).castTo(x.dataType());
        Nd4j.getExecutioner().exec(new BroadcastSubOp(x, m, x, channelAxis));
        Nd4j.getExecutioner().exec(new BroadcastDivOp(x, s, x, channelAxis));
    }
}
