"""Given names that mark a following capitalised word as a surname ("Erika Mustermann").

A short, hand-kept list of frequent given names in Germany (German, and the most common Turkish,
Arabic, Polish and Russian ones), not a dictionary: an answer names a person mostly as given
name + surname, and a list this size keeps false alarms rare. Words that are also ordinary
German nouns or adverbs (Ernst, Mark, Heide, Engel, Rosa, Frank as "frank und frei") are left
out on purpose.
"""

from __future__ import annotations

FIRST_NAMES = frozenset(
    """
    Alexander Alexandra Ali Andrea Andreas Angelika Anja Anke Anna Anne Annette Antje Anton
    Barbara Bärbel Beate Benjamin Bernd Bettina Birgit Björn Brigitte Carina Carsten Charlotte
    Christa Christian Christiane Christina Christine Christoph Claudia Daniel Daniela David
    Dennis Detlef Dieter Dirk Doris Dorothea Edith Elena Elias Elisabeth Elke Emil Emilia Emma
    Erika Erwin Eva Fabian Felix Finn Florian Franziska Friedrich Gabriele Gerd Gerhard Gisela
    Gudrun Günter Günther Hannah Hannelore Hans Harald Heike Heinz Helga Helmut Herbert Hildegard
    Holger Horst Ilse Ina Ingrid Irina Jan Jana Jens Joachim Johann Johanna Johannes Jonas
    Jörg Josef Julia Julian Jürgen Karin Karl Katharina Kathrin Katrin Kerstin Kevin Klaus
    Kristina Lara Lea Lena Leon Leonie Lisa Lukas Luca Luisa Manfred Manuela Marcel Marco
    Marcus Maria Marie Mario Markus Marlies Martin Martina Mathias Matthias Max Maximilian Mehmet
    Melanie Michael Michaela Mia Milan Mohammed Monika Mustafa Nadine Natalia Nicole Niklas
    Nina Noah Olaf Olga Oliver Patrick Paul Peter Petra Philipp Rainer Ralf Regina Reinhard
    Renate Robert Roland Rolf Rudolf Sabine Sabrina Sandra Sara Sarah Sebastian Silke Simon
    Simone Sophia Sophie Stefan Stefanie Steffen Stephan Susanne Sven Swen Tanja Thomas Thorsten
    Tim Tobias Torsten Udo Ulrich Ulrike Ursula Uta Ute Uwe Vanessa Walter Waltraud Werner
    Wilhelm Wolfgang Yvonne Zeynep Ayşe Fatma Emine Hatice Ahmet Ahmed Mahmoud Omar Piotr
    Katarzyna Agnieszka Tomasz Krzysztof Sergej Sergei Dmitri Tatjana Natalja Swetlana Wladimir
    """.split()
)
