// Start GOV.UK Frontend components. Pages work without this; it only enhances.
import { initAll } from "./govuk-frontend.min.js";

initAll();
