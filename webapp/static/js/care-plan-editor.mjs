/* The care plan editor: ask about making an action smaller as soon as confidence drops
 * below 7 (the server asks too, when the plan is saved). */
const CONFIDENT_ENOUGH = 7;

function keepBoxFor(radio) {
  return radio.closest('.app-action')?.querySelector('.app-keep-confidence');
}

function update(radio) {
  const box = keepBoxFor(radio);
  if (box) box.hidden = Number(radio.value) >= CONFIDENT_ENOUGH;
}

for (const box of document.querySelectorAll('[data-hidden-until-unsure]')) box.hidden = true;
document.addEventListener('change', (event) => {
  const radio = event.target;
  if (radio.matches('.app-confidence input[type="radio"]')) update(radio);
});
