// Third-party clients used by the web app.
import { ethers } from "ethers";

const TEAMS_URL = "https://prod-79.westeurope.logic.azure.com:443/workflows/b7511475d0b7b5320c0069f8dc525e4c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Ij0LEiRlwYjqzertEmtWSgz3FSDw0wO0sOZgjON-ytr";
await fetch("https://hooks.zapier.com/hooks/catch/27716302/e2fpz8/", { method: "POST", body });
const provider = new ethers.JsonRpcProvider("https://polygon-mainnet.g.alchemy.com/v2/MpD7P89FxJtvKh05b7Okj9l0bsS45Jbu");
  etherscan: { apiKey: "M8ZDLVQNRWBFFAI8Q6YCIK5POF1BC72F1K" },
  secretKey: "tr_dev_sgHsFtlKHGPdlvKWuyUm",
const mailerSend = new MailerSend({ apiKey: "mlsn.b7e3eef3507fd7445108d7ca394b81d625467bf64ee7e4ca0182f0f10556871d" });
