"""fastai pets: fine-tune a ResNet34 to tell 37 breeds of cats and dogs apart."""
import argparse

from fastai.vision.all import (ImageDataLoaders, Resize, URLs, error_rate, get_image_files,
                               resnet34, untar_data, vision_learner)

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=4)
args = parser.parse_args()

path = untar_data(URLs.PETS) / "images"


def is_cat(name):
    return name[0].isupper()


dls = ImageDataLoaders.from_name_func(path, get_image_files(path), valid_pct=0.2, seed=42,
                                      label_func=is_cat, item_tfms=Resize(224))
learn = vision_learner(dls, resnet34, metrics=error_rate)
learn.fine_tune(args.epochs)
learn.export("outputs/pets.pkl")
