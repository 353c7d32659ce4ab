import joblib
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split


def train(csv: str, out: str) -> float:
    frame = pd.read_csv(csv)
    x_train, x_test, y_train, y_test = train_test_split(frame.drop(columns="churned"), frame["churned"])
    model = GradientBoostingClassifier().fit(x_train, y_train)
    joblib.dump(model, out)
    return model.score(x_test, y_test)
